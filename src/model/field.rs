//! Where an editable field of the documents comes from, so that what is
//! typed into it in the DOCX can go back to the same YAML value.

use std::path::PathBuf;

use serde::Serialize;

/// An editable field's source: its file, its path in that file, and a
/// fingerprint of the text it was built from.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SourceField {
    /// The YAML file, relative to the project root
    /// (`report-data/06-sixth-meeting/panel-updates.yaml`).
    pub file: PathBuf,
    /// The dotted path of the value in it (`groups[0].introduction`).
    pub path: String,
    /// [`fingerprint`] of the value's text as written (empty when the value
    /// is empty or absent), so `report pull` can tell whether the YAML
    /// changed since the document was built.
    pub fingerprint: u64,
    /// Whether the value is plain text on one line (a name, a place, an
    /// agenda item) rather than Markdown.
    pub plain: bool,
}

/// FNV-1a, 64 bits: stable across Rust versions and platforms, unlike the
/// standard library's hasher, and enough to tell an edit from no edit.
pub fn fingerprint(text: &str) -> u64 {
    text.bytes().fold(0xcbf2_9ce4_8422_2325, |hash, byte| {
        (hash ^ u64::from(byte)).wrapping_mul(0x0000_0100_0000_01b3)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fnv_reference_values() {
        assert_eq!(fingerprint(""), 0xcbf2_9ce4_8422_2325);
        assert_eq!(fingerprint("a"), 0xaf63_dc4c_8601_ec8c);
    }
}
