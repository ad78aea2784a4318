//! [`Cursor`]: the selection in a list longer than the screen, as the views hold it.

/// A selection in a list that may be longer than the screen: the selected row and the first
/// row shown. `page` is the number of rows the list shows, from the screen's layout.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Cursor {
    pub selected: usize,
    pub offset: usize,
}

impl Cursor {
    /// Move by `delta` rows within `len`, keeping the selection on screen.
    pub fn move_by(&mut self, delta: isize, len: usize, page: usize) {
        let last = len.saturating_sub(1);
        self.selected = self.selected.saturating_add_signed(delta).min(last);
        self.follow(len, page);
    }

    pub fn select_last(&mut self, len: usize, page: usize) {
        self.selected = len.saturating_sub(1);
        self.follow(len, page);
    }

    /// Keep the selection within `len` and on screen.
    pub fn follow(&mut self, len: usize, page: usize) {
        let page = page.max(1);
        self.selected = self.selected.min(len.saturating_sub(1));
        if self.selected < self.offset {
            self.offset = self.selected;
        } else if self.selected >= self.offset + page {
            self.offset = self.selected + 1 - page;
        }
        self.offset = self.offset.min(len.saturating_sub(page));
    }
}
