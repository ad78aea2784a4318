//! An error and its causes written as one line, for the operator: the command line prints it
//! after `error: ` and the wizard shows it in the screen that failed. Both call this one
//! function so the same failure reads the same in either.

use std::error::Error;

/// The error and its causes on one line, joined by `": "`, outermost first. Library errors
/// often quote their cause in their own message, so a cause whose text is already contained in
/// what is written is not repeated. Takes any error; an `anyhow::Error` is passed as `&*e`
/// (its context layers are causes like any other).
pub fn human_message(error: &(dyn Error + 'static)) -> String {
    let mut message = String::new();
    let mut cause = Some(error);
    while let Some(current) = cause {
        let text = current.to_string();
        if !message.contains(&text) {
            if !message.is_empty() {
                message.push_str(": ");
            }
            message.push_str(&text);
        }
        cause = current.source();
    }
    message
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Debug, thiserror::Error)]
    #[error("cannot read {path}: {source}")]
    struct Quoting {
        path: &'static str,
        source: std::io::Error,
    }

    #[test]
    fn causes_are_written_once() {
        let io = std::io::Error::other("disk on fire");
        let e = anyhow::Error::new(Quoting {
            path: "a.csv",
            source: io,
        })
        .context("discover failed");
        assert_eq!(
            human_message(&*e),
            "discover failed: cannot read a.csv: disk on fire"
        );
        let plain = anyhow::anyhow!("root cause").context("outer");
        assert_eq!(human_message(&*plain), "outer: root cause");
    }
}
