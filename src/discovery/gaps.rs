//! What CSV cannot carry: IVR recordings, WhatsApp threads, attachments — any non-CSV file in the
//! export, with the phone number or record ID its name carries.

use serde::{Deserialize, Serialize};

use crate::rsoft::Entry;

/// What kind of file CSV cannot carry, judged from its path.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum GapKind {
    /// An audio file (`mp3`, `wav`, `amr`…) or a path naming a recording or IVR.
    IvrRecording,
    /// A path naming WhatsApp or a chat.
    WhatsappThread,
    /// Any other non-CSV file.
    Attachment,
}

impl GapKind {
    /// The kind as the report writes it (`IVR call recording`…).
    pub fn label(self) -> &'static str {
        match self {
            GapKind::IvrRecording => "IVR call recording",
            GapKind::WhatsappThread => "WhatsApp thread",
            GapKind::Attachment => "attachment",
        }
    }
}

/// What a gap file's name says it belongs to.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", content = "value", rename_all = "snake_case")]
pub enum GapKey {
    /// A phone number (10–13 digits, with `+` or `-`).
    Phone(String),
    /// An RSoft record ID (`DL-1001`).
    RecordId(String),
}

/// A file of the export that CSV cannot carry: listed for hand-over, never loaded.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Gap {
    /// What the file is.
    pub kind: GapKind,
    /// Its path inside the export.
    pub path: String,
    /// Size in bytes.
    pub size: u64,
    /// The phone number or record ID its name gives, to tie it to a record by hand.
    pub key: Option<GapKey>,
}

const AUDIO: &[&str] = &["mp3", "wav", "amr", "m4a", "ogg", "opus", "aac", "gsm"];

/// Classify one non-CSV entry of the export.
pub fn gap_of(entry: &Entry) -> Gap {
    let lower = entry.path.to_ascii_lowercase();
    let ext = lower.rsplit_once('.').map_or("", |(_, e)| e);
    let kind = if lower.contains("whatsapp") || lower.contains("chat") {
        GapKind::WhatsappThread
    } else if AUDIO.contains(&ext) || lower.contains("recording") || lower.contains("ivr") {
        GapKind::IvrRecording
    } else {
        GapKind::Attachment
    };
    Gap {
        kind,
        path: entry.path.clone(),
        size: entry.size,
        key: key_of(&entry.path),
    }
}

/// The phone number or record ID in a file's name, else in its folder names (innermost first).
pub fn key_of(path: &str) -> Option<GapKey> {
    let mut parts: Vec<&str> = path.split('/').collect();
    if let Some(last) = parts.last_mut() {
        *last = last.rsplit_once('.').map_or(*last, |(stem, _)| stem);
    }
    parts.iter().rev().find_map(|p| key_in(p))
}

fn key_in(name: &str) -> Option<GapKey> {
    let tokens = name.split(|c: char| !(c.is_ascii_alphanumeric() || c == '-' || c == '+'));
    let mut record = None;
    for t in tokens.filter(|t| !t.is_empty()) {
        let digits = t.chars().filter(char::is_ascii_digit).count();
        let only_phone_chars = t
            .chars()
            .all(|c| c.is_ascii_digit() || c == '+' || c == '-');
        if only_phone_chars && (10..=13).contains(&digits) {
            return Some(GapKey::Phone(t.to_string()));
        }
        let letters = t.chars().take_while(char::is_ascii_alphabetic).count();
        if record.is_none() && letters > 0 && letters <= 8 && digits > 0 && t.len() <= 24 {
            record = Some(GapKey::RecordId(t.to_string()));
        }
    }
    record
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_from_names() {
        assert_eq!(
            key_of("recordings/919876543210_2026-03-02.mp3"),
            Some(GapKey::Phone("919876543210".into()))
        );
        assert_eq!(
            key_of("whatsapp/+919812345678.txt"),
            Some(GapKey::Phone("+919812345678".into()))
        );
        assert_eq!(
            key_of("attachments/DEAL-1042/quote.pdf"),
            Some(GapKey::RecordId("DEAL-1042".into()))
        );
        assert_eq!(key_of("attachments/brochure.pdf"), None);
    }
}
