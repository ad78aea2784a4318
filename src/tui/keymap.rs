//! Keymaps are data: per [`Context`], a table of key → [`Action`] name. The defaults are
//! `assets/keymap.toml` (compiled in); `[keys.<context>]` tables in the config override single
//! keys (`"x" = "none"` unbinds one). The footer and the help are generated from the same table,
//! so they can never disagree with what the keys do.

use std::collections::BTreeMap;
use std::fmt;

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use serde::Deserialize;
use serde::de::IntoDeserializer;

use super::action::Action;

/// The compiled-in default keymap.
pub const DEFAULT_KEYMAP: &str = include_str!("../../assets/keymap.toml");

/// The key context: which table a key is looked up in (then `global`, except while editing).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Context {
    /// Keys that work everywhere except while editing or picking.
    Global,
    /// The Connect step.
    Connect,
    /// Typing into a field: printable keys insert themselves, so no global keys apply.
    Editing,
    /// The Discovery step's file list.
    Discovery,
    /// The Discovery step's column drill-down.
    DiscoveryColumns,
    /// The Discovery step's object map, shown in place of the file list.
    DiscoveryObjects,
    /// The Field map step.
    FieldMap,
    /// The Schema step.
    Schema,
    /// The Owners step.
    Owners,
    // Rehearse, Load, Verify.
    /// The Rehearse screen.
    Rehearse,
    /// The Load screen.
    Load,
    /// The Verify screen.
    Verify,
    /// A fuzzy-filtered list: printable keys type into the filter, as while editing.
    Picker,
    /// The help overlay.
    Help,
    /// The field map's record preview, on top of the field map's own keys.
    FieldMapPreview,
    /// The field map's value-map panel, which takes the keys.
    FieldMapValues,
    /// The field map's problem list, which takes the keys.
    FieldMapProblems,
}

impl Context {
    /// Every context, in the order `[keys.*]` tables are listed.
    pub const ALL: [Context; 17] = [
        Context::Global,
        Context::Connect,
        Context::Editing,
        Context::Discovery,
        Context::DiscoveryColumns,
        Context::DiscoveryObjects,
        Context::FieldMap,
        Context::Schema,
        Context::Owners,
        Context::Rehearse,
        Context::Load,
        Context::Verify,
        Context::Picker,
        Context::Help,
        Context::FieldMapPreview,
        Context::FieldMapValues,
        Context::FieldMapProblems,
    ];

    /// The table name in keymap.toml.
    pub fn name(self) -> &'static str {
        match self {
            Context::Global => "global",
            Context::Connect => "connect",
            Context::Editing => "editing",
            Context::Discovery => "discovery",
            Context::DiscoveryColumns => "discovery_columns",
            Context::DiscoveryObjects => "discovery_objects",
            Context::FieldMap => "field_map",
            Context::Schema => "schema",
            Context::Owners => "owners",
            Context::Rehearse => "rehearse",
            Context::Load => "load",
            Context::Verify => "verify",
            Context::Picker => "picker",
            Context::Help => "help",
            Context::FieldMapPreview => "field_map_preview",
            Context::FieldMapValues => "field_map_values",
            Context::FieldMapProblems => "field_map_problems",
        }
    }

    /// The table looked up after this one's own (before `global`): the preview keeps every
    /// key of the field map.
    pub fn parent(self) -> Option<Context> {
        match self {
            Context::FieldMapPreview => Some(Context::FieldMap),
            _ => None,
        }
    }

    fn from_name(name: &str) -> Option<Context> {
        Context::ALL.into_iter().find(|c| c.name() == name)
    }

    /// Whether global keys apply on top of this context's own.
    fn uses_global(self) -> bool {
        !matches!(self, Context::Global | Context::Help) && !self.types_text()
    }

    /// Unbound printable keys type themselves.
    fn types_text(self) -> bool {
        matches!(self, Context::Editing | Context::Picker)
    }
}

/// One key with its modifiers, as written in keymap.toml: `a`, `A`, `?`, `enter`, `ctrl-s`,
/// `shift-tab`, `pgdn`, `f1`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct KeyCombo {
    code: KeyCodeKey,
    ctrl: bool,
    alt: bool,
}

/// `KeyCode` has no `Ord`; this is the part of it the keymap uses.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
enum KeyCodeKey {
    Char(char),
    F(u8),
    Enter,
    Esc,
    Tab,
    BackTab,
    Backspace,
    Delete,
    Up,
    Down,
    Left,
    Right,
    PageUp,
    PageDown,
    Home,
    End,
}

impl KeyCombo {
    /// Parse `ctrl-s`, `shift-tab`, `A`, `space`, ….
    pub fn parse(text: &str) -> Option<KeyCombo> {
        let mut ctrl = false;
        let mut alt = false;
        let mut rest = text;
        loop {
            if let Some(r) = rest.strip_prefix("ctrl-") {
                ctrl = true;
                rest = r;
            } else if let Some(r) = rest.strip_prefix("alt-") {
                alt = true;
                rest = r;
            } else {
                break;
            }
        }
        let code = match rest {
            "enter" => KeyCodeKey::Enter,
            "esc" => KeyCodeKey::Esc,
            "tab" => KeyCodeKey::Tab,
            "shift-tab" | "backtab" => KeyCodeKey::BackTab,
            "backspace" => KeyCodeKey::Backspace,
            "delete" => KeyCodeKey::Delete,
            "up" => KeyCodeKey::Up,
            "down" => KeyCodeKey::Down,
            "left" => KeyCodeKey::Left,
            "right" => KeyCodeKey::Right,
            "pgup" => KeyCodeKey::PageUp,
            "pgdn" => KeyCodeKey::PageDown,
            "home" => KeyCodeKey::Home,
            "end" => KeyCodeKey::End,
            "space" => KeyCodeKey::Char(' '),
            f if f.len() > 1 && f.starts_with('f') => KeyCodeKey::F(f[1..].parse().ok()?),
            c => {
                let mut chars = c.chars();
                let (Some(ch), None) = (chars.next(), chars.next()) else {
                    return None;
                };
                KeyCodeKey::Char(ch)
            }
        };
        Some(KeyCombo { code, ctrl, alt })
    }

    /// The combo a terminal key event is, if the keymap can name it.
    pub fn from_event(event: &KeyEvent) -> Option<KeyCombo> {
        let code = match event.code {
            // Shift is in the character itself (`A`), so it is not a modifier here.
            KeyCode::Char(c) => KeyCodeKey::Char(c),
            KeyCode::F(n) => KeyCodeKey::F(n),
            KeyCode::Enter => KeyCodeKey::Enter,
            KeyCode::Esc => KeyCodeKey::Esc,
            KeyCode::Tab if event.modifiers.contains(KeyModifiers::SHIFT) => KeyCodeKey::BackTab,
            KeyCode::Tab => KeyCodeKey::Tab,
            KeyCode::BackTab => KeyCodeKey::BackTab,
            KeyCode::Backspace => KeyCodeKey::Backspace,
            KeyCode::Delete => KeyCodeKey::Delete,
            KeyCode::Up => KeyCodeKey::Up,
            KeyCode::Down => KeyCodeKey::Down,
            KeyCode::Left => KeyCodeKey::Left,
            KeyCode::Right => KeyCodeKey::Right,
            KeyCode::PageUp => KeyCodeKey::PageUp,
            KeyCode::PageDown => KeyCodeKey::PageDown,
            KeyCode::Home => KeyCodeKey::Home,
            KeyCode::End => KeyCodeKey::End,
            _ => return None,
        };
        Some(KeyCombo {
            code,
            ctrl: event.modifiers.contains(KeyModifiers::CONTROL),
            alt: event.modifiers.contains(KeyModifiers::ALT),
        })
    }

    /// Ctrl-C: always quits, whatever the keymap says, so the terminal is always given back.
    pub fn is_interrupt(&self) -> bool {
        self.ctrl && self.code == KeyCodeKey::Char('c')
    }

    /// A printable character typed with no Ctrl or Alt.
    pub fn typed_char(&self) -> Option<char> {
        match self.code {
            KeyCodeKey::Char(c) if !self.ctrl && !self.alt => Some(c),
            _ => None,
        }
    }
}

impl fmt::Display for KeyCombo {
    /// How the footer and help write a key: `Enter`, `Ctrl-s`, `↑`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.ctrl {
            f.write_str("Ctrl-")?;
        }
        if self.alt {
            f.write_str("Alt-")?;
        }
        match self.code {
            KeyCodeKey::Char(' ') => f.write_str("Space"),
            KeyCodeKey::Char(c) => write!(f, "{c}"),
            KeyCodeKey::F(n) => write!(f, "F{n}"),
            KeyCodeKey::Enter => f.write_str("Enter"),
            KeyCodeKey::Esc => f.write_str("Esc"),
            KeyCodeKey::Tab => f.write_str("Tab"),
            KeyCodeKey::BackTab => f.write_str("Shift-Tab"),
            KeyCodeKey::Backspace => f.write_str("Backspace"),
            KeyCodeKey::Delete => f.write_str("Del"),
            KeyCodeKey::Up => f.write_str("↑"),
            KeyCodeKey::Down => f.write_str("↓"),
            KeyCodeKey::Left => f.write_str("←"),
            KeyCodeKey::Right => f.write_str("→"),
            KeyCodeKey::PageUp => f.write_str("PgUp"),
            KeyCodeKey::PageDown => f.write_str("PgDn"),
            KeyCodeKey::Home => f.write_str("Home"),
            KeyCodeKey::End => f.write_str("End"),
        }
    }
}

/// A keymap (`assets/keymap.toml` or `[keys.*]` of the config) that cannot be used.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum KeymapError {
    /// Not valid TOML, or not tables of key = action.
    #[error("keymap: {0}")]
    Parse(String),
    /// A `[keys.*]` table that names no context.
    #[error(
        "keymap: [keys.{0}] is not a key context; use one of: global, connect, editing, discovery, discovery_columns, discovery_objects, field_map, schema, owners, rehearse, load, verify, picker, help, field_map_preview, field_map_values, field_map_problems"
    )]
    UnknownContext(String),
    /// A key name that is not a key.
    #[error(
        "keymap: [keys.{context}] {key:?} is not a key; write e.g. \"a\", \"A\", \"enter\", \"ctrl-s\", \"shift-tab\", \"pgdn\", \"f2\""
    )]
    UnknownKey {
        /// The table's context as written.
        context: String,
        /// The key as written.
        key: String,
    },
    /// An action name that is not an action.
    #[error(
        "keymap: [keys.{context}] {key:?} = {action:?} is not an action; use one of the names in `?` help (e.g. \"accept_all\"), or \"none\" to unbind"
    )]
    UnknownAction {
        /// The table's context as written.
        context: String,
        /// The key as written.
        key: String,
        /// The action name as written.
        action: String,
    },
}

/// Key tables as written: context → key → action name.
pub type KeyTables = BTreeMap<String, BTreeMap<String, String>>;

/// The keys of every context.
#[derive(Debug, Clone, PartialEq)]
pub struct Keymap {
    tables: BTreeMap<Context, BTreeMap<KeyCombo, Action>>,
}

impl Keymap {
    /// The defaults with `overrides` (the config's `[keys.*]`) applied on top.
    pub fn with_overrides(overrides: &KeyTables) -> Result<Keymap, KeymapError> {
        let defaults: KeyTables =
            toml::from_str(DEFAULT_KEYMAP).map_err(|e| KeymapError::Parse(e.to_string()))?;
        let mut keymap = Keymap {
            tables: BTreeMap::new(),
        };
        keymap.apply(&defaults)?;
        keymap.apply(overrides)?;
        Ok(keymap)
    }

    /// The compiled-in defaults alone.
    pub fn defaults() -> Result<Keymap, KeymapError> {
        Keymap::with_overrides(&KeyTables::new())
    }

    fn apply(&mut self, tables: &KeyTables) -> Result<(), KeymapError> {
        for (context_name, keys) in tables {
            let context = Context::from_name(context_name)
                .ok_or_else(|| KeymapError::UnknownContext(context_name.clone()))?;
            let table = self.tables.entry(context).or_default();
            for (key, action_name) in keys {
                let combo = KeyCombo::parse(key).ok_or_else(|| KeymapError::UnknownKey {
                    context: context_name.clone(),
                    key: key.clone(),
                })?;
                if action_name == "none" {
                    table.remove(&combo);
                    continue;
                }
                let action =
                    parse_action(action_name).ok_or_else(|| KeymapError::UnknownAction {
                        context: context_name.clone(),
                        key: key.clone(),
                        action: action_name.clone(),
                    })?;
                table.insert(combo, action);
            }
        }
        Ok(())
    }

    /// The action a key triggers in `context`: the context's own table, then the global one.
    /// While editing, an unbound printable key types itself.
    pub fn action(&self, context: Context, key: &KeyCombo) -> Option<Action> {
        if key.is_interrupt() {
            return Some(Action::ForceQuit);
        }
        let own = self.tables.get(&context).and_then(|t| t.get(key));
        if let Some(action) = own {
            return Some(action.clone());
        }
        let inherited = context
            .parent()
            .and_then(|p| self.tables.get(&p))
            .and_then(|t| t.get(key));
        if let Some(action) = inherited {
            return Some(action.clone());
        }
        if context.types_text() {
            return key.typed_char().map(Action::Insert);
        }
        if context.uses_global() {
            return self
                .tables
                .get(&Context::Global)
                .and_then(|t| t.get(key))
                .cloned();
        }
        None
    }

    /// The bindings of one context (not the global ones), grouped by action in
    /// [`Action::BINDABLE`] order: `(action, keys)`.
    pub fn bindings(&self, context: Context) -> Vec<(Action, Vec<KeyCombo>)> {
        let Some(table) = self.tables.get(&context) else {
            return Vec::new();
        };
        Action::BINDABLE
            .iter()
            .filter_map(|action| {
                let keys: Vec<KeyCombo> = table
                    .iter()
                    .filter(|(_, a)| *a == action)
                    .map(|(k, _)| *k)
                    .collect();
                (!keys.is_empty()).then(|| (action.clone(), keys))
            })
            .collect()
    }

    /// What the footer shows for `context`: its own keys, then the global ones it does not
    /// shadow, only actions marked for the footer; `?` help last.
    pub fn footer(&self, context: Context) -> Vec<(String, &'static str)> {
        let mut out: Vec<(String, &'static str)> = Vec::new();
        let mut add = |bindings: Vec<(Action, Vec<KeyCombo>)>| {
            for (action, keys) in bindings {
                if !action.in_footer() || out.iter().any(|(_, l)| *l == action.label()) {
                    continue;
                }
                let keys: Vec<String> = keys.iter().map(ToString::to_string).collect();
                out.push((keys.join("/"), action.label()));
            }
        };
        add(self.bindings(context));
        if let Some(parent) = context.parent() {
            add(self.bindings(parent));
        }
        if context.uses_global() {
            add(self.bindings(Context::Global));
        }
        // Help and quit last: the keys everyone looks for.
        let last = |l: &str| l == Action::Help.label() || l == Action::Quit.label();
        out.sort_by_key(|(_, l)| last(l));
        out
    }
}

fn parse_action(name: &str) -> Option<Action> {
    let de: serde::de::value::StrDeserializer<'_, serde::de::value::Error> =
        name.into_deserializer();
    let action = Action::deserialize(de).ok()?;
    Action::BINDABLE.contains(&action).then_some(action)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key(s: &str) -> KeyCombo {
        KeyCombo::parse(s).unwrap()
    }

    #[test]
    fn defaults_parse_and_every_context_has_keys() {
        let keymap = Keymap::defaults().unwrap();
        for context in Context::ALL {
            assert!(
                !keymap.bindings(context).is_empty(),
                "{} has no keys",
                context.name()
            );
        }
        assert_eq!(
            keymap.action(Context::FieldMap, &key("A")),
            Some(Action::AcceptAll)
        );
        // Global keys apply on screens, but not while typing.
        assert_eq!(
            keymap.action(Context::FieldMap, &key("?")),
            Some(Action::Help)
        );
        assert_eq!(
            keymap.action(Context::Editing, &key("q")),
            Some(Action::Insert('q'))
        );
        assert_eq!(
            keymap.action(Context::Editing, &key("ctrl-c")),
            Some(Action::ForceQuit)
        );
    }

    #[test]
    fn overrides_rebind_unbind_and_reject_unknown_names() {
        let mut tables = KeyTables::new();
        tables.insert(
            "field_map".into(),
            BTreeMap::from([
                ("y".to_string(), "accept".to_string()),
                ("a".to_string(), "none".to_string()),
            ]),
        );
        let keymap = Keymap::with_overrides(&tables).unwrap();
        assert_eq!(
            keymap.action(Context::FieldMap, &key("y")),
            Some(Action::Accept)
        );
        assert_eq!(keymap.action(Context::FieldMap, &key("a")), None);
        let footer = keymap.footer(Context::FieldMap);
        assert!(
            footer.iter().any(|(k, l)| k == "y" && *l == "accept"),
            "{footer:?}"
        );
        assert!(!footer.iter().any(|(k, _)| k == "a"), "{footer:?}");

        let bad = |context: &str, k: &str, a: &str| {
            let mut t = KeyTables::new();
            t.insert(
                context.into(),
                BTreeMap::from([(k.to_string(), a.to_string())]),
            );
            Keymap::with_overrides(&t).unwrap_err()
        };
        assert!(matches!(
            bad("feild_map", "a", "accept"),
            KeymapError::UnknownContext(_)
        ));
        assert!(matches!(
            bad("field_map", "ctrl-", "accept"),
            KeymapError::UnknownKey { .. }
        ));
        assert!(matches!(
            bad("field_map", "a", "acept"),
            KeymapError::UnknownAction { .. }
        ));
        // Outcomes and typed characters are not bindable.
        assert!(matches!(
            bad("field_map", "a", "done"),
            KeymapError::UnknownAction { .. }
        ));
    }

    /// `o` shows the object map on Discovery and goes back from it; it shadows no global key,
    /// and the object map keeps the step keys and `w`.
    #[test]
    fn o_toggles_the_object_map_on_discovery() {
        let keymap = Keymap::defaults().unwrap();
        assert_eq!(keymap.action(Context::Global, &key("o")), None);
        for context in [Context::Discovery, Context::DiscoveryObjects] {
            assert_eq!(
                keymap.action(context, &key("o")),
                Some(Action::ToggleObjectMap)
            );
            assert_eq!(
                keymap.action(context, &key("w")),
                Some(Action::WriteScopeReport)
            );
            assert_eq!(keymap.action(context, &key("n")), Some(Action::NextStep));
            let footer = keymap.footer(context);
            assert!(
                footer
                    .iter()
                    .any(|(k, l)| k == "o" && *l == Action::ToggleObjectMap.label()),
                "{footer:?}"
            );
        }
        assert_eq!(
            keymap.action(Context::DiscoveryObjects, &key("esc")),
            Some(Action::Back)
        );
        // Enter opens a file's columns from the file list only.
        assert_eq!(
            keymap.action(Context::Discovery, &key("enter")),
            Some(Action::Open)
        );
        assert_eq!(
            keymap.action(Context::DiscoveryObjects, &key("enter")),
            None
        );
    }

    #[test]
    fn ctrl_c_always_quits() {
        let mut tables = KeyTables::new();
        tables.insert(
            "global".into(),
            BTreeMap::from([("ctrl-c".to_string(), "help".to_string())]),
        );
        let keymap = Keymap::with_overrides(&tables).unwrap();
        assert_eq!(
            keymap.action(Context::Connect, &key("ctrl-c")),
            Some(Action::ForceQuit)
        );
    }

    #[test]
    fn keys_round_trip_through_display() {
        assert_eq!(key("shift-tab").to_string(), "Shift-Tab");
        assert_eq!(key("ctrl-s").to_string(), "Ctrl-s");
        assert_eq!(key("space"), KeyCombo::parse(" ").unwrap());
        assert_eq!(key("f2").to_string(), "F2");
    }
}
