//! Embeds the fonts the DOCX uses in the DOCX itself, as Word does with
//! "Embed fonts in the file" (ECMA-376 Part 1, §17.8.1).
//!
//! A reader without the layout's fonts would otherwise set the text in a
//! substitute with other widths, and the document would no longer page
//! like the PDF whose pages its table of contents gives. The fonts in
//! `fonts/` are under the SIL Open Font License, which permits embedding.
//!
//! Each face the document uses becomes an obfuscated part
//! `word/fonts/fontN.odttf`, related from `word/_rels/fontTable.xml.rels`
//! and named by `w:embedRegular`, `w:embedBold`, … with its `w:fontKey` in
//! `fontTable.xml`; `settings.xml` carries `w:embedTrueTypeFonts`. Faces are
//! embedded whole, not subset: an editor typing new text needs every glyph.
//! Faces without outlines (Noto Color Emoji's colour bitmaps, 10 MB) are
//! named but not embedded; the reader's own emoji font shows them.

use std::collections::BTreeSet;
use std::io::{Cursor, Write};
use std::path::PathBuf;
use std::sync::{Arc, Mutex};
use std::time::SystemTime;

use zip::result::{ZipError, ZipResult};
use zip::write::SimpleFileOptions;
use zip::{CompressionMethod, DateTime, ZipArchive, ZipWriter};

use crate::render::FontFace;

/// The content type of obfuscated font parts.
const OBFUSCATED_FONT_TYPE: &str = "application/vnd.openxmlformats-officedocument.obfuscatedFont";
/// The relationship type from the font table to a font part.
const FONT_RELATIONSHIP: &str =
    "http://schemas.openxmlformats.org/officeDocument/2006/relationships/font";
/// The name of the one entry in a [`Packed`] archive.
const PACKED_ENTRY: &str = "font.odttf";
/// How many bytes of a font are obfuscated.
const OBFUSCATED_BYTES: usize = 32;

/// The faces a document sets text in: family, bold, italic.
#[derive(Debug, Default, Clone)]
pub struct UsedFaces(BTreeSet<(String, bool, bool)>);

impl UsedFaces {
    /// Notes that text is set in `family`, bold and italic as given.
    pub fn note(&mut self, family: &str, bold: bool, italic: bool) {
        self.0.insert((family.to_string(), bold, italic));
    }
}

/// The four kinds of face Word embeds per family, in the schema's order.
const KINDS: [(bool, bool, &str); 4] = [
    (false, false, "embedRegular"),
    (true, false, "embedBold"),
    (false, true, "embedItalic"),
    (true, true, "embedBoldItalic"),
];

/// What the package gains by embedding: the font table, its relationships,
/// and the font parts.
pub struct Embedding {
    families: Vec<Family>,
    parts: Vec<Arc<Packed>>,
}

/// A family the document names, and its embedded faces.
struct Family {
    name: String,
    monospace: bool,
    /// (element name, index into `parts`), in the schema's order.
    embedded: Vec<(&'static str, usize)>,
}

/// One face, obfuscated and compressed once per process, so that rebuilds
/// (`report watch`) copy it into the archive without compressing again.
struct Packed {
    /// The font key, a GUID in braces.
    key: String,
    /// A ZIP archive of one entry, [`PACKED_ENTRY`]: the obfuscated face,
    /// deflated.
    archive: Vec<u8>,
}

/// The faces packed so far, by file, size and time of change.
type PackedCache = Vec<(FaceFileId, Option<Arc<Packed>>)>;
static PACKED: Mutex<PackedCache> = Mutex::new(Vec::new());

/// Chooses and packs the faces to embed.
///
/// `named` are the families the document names in any style or run, in the
/// order the font table lists them; `used` the faces its text is set in;
/// `monospace` the family named for code.
pub fn embed(
    named: &[String],
    monospace: &str,
    used: &UsedFaces,
    faces: &[FontFace],
) -> Result<Embedding, String> {
    // (family, element, face) of every face used. Text in a style the
    // family has no face for is slanted or emboldened from the regular
    // face, which is then embedded in its stead.
    let mut chosen: Vec<(usize, &'static str, &FontFace)> = Vec::new();
    for (family, name) in named.iter().enumerate() {
        for (bold, italic, element) in KINDS {
            if !used.0.contains(&(name.clone(), bold, italic)) {
                continue;
            }
            let (element, face) = match select(faces, name, bold, italic) {
                Some(face) => (element, face),
                None => match select(faces, name, false, false) {
                    Some(face) => (KINDS[0].2, face),
                    None => continue,
                },
            };
            if !chosen.iter().any(|&(f, e, _)| f == family && e == element) {
                chosen.push((family, element, face));
            }
        }
    }
    // The font table lists a family's faces in the schema's order.
    chosen.sort_by_key(|&(family, element, _)| (family, KINDS.iter().position(|k| k.2 == element)));
    // A face packed before, in this process or by an earlier run, costs a
    // read; deflating one takes tens of milliseconds, so only the faces to
    // deflate are spread over threads (a thread started for a read would
    // cost more than the read).
    let mut packed: Vec<Result<Option<Arc<Packed>>, String>> = Vec::new();
    let mut to_pack = Vec::new();
    for (at, &(_, _, face)) in chosen.iter().enumerate() {
        packed.push(match look_up(face) {
            Ok(Lookup::Found(found)) => Ok(found),
            Ok(Lookup::ToPack(unpacked)) => {
                to_pack.push((at, unpacked));
                Ok(None)
            }
            Err(e) => Err(e),
        });
    }
    std::thread::scope(|scope| {
        let packing: Vec<_> = to_pack
            .into_iter()
            .map(|(at, unpacked)| (at, scope.spawn(move || pack(unpacked))))
            .collect();
        for (at, handle) in packing {
            packed[at] = handle
                .join()
                .unwrap_or_else(|panic| std::panic::resume_unwind(panic));
        }
    });
    let mut families: Vec<Family> = named
        .iter()
        .map(|name| Family {
            name: name.clone(),
            monospace: name.eq_ignore_ascii_case(monospace),
            embedded: Vec::new(),
        })
        .collect();
    let mut parts = Vec::new();
    for ((family, element, _), packed) in chosen.into_iter().zip(packed) {
        if let Some(packed) = packed? {
            parts.push(packed);
            families[family].embedded.push((element, parts.len() - 1));
        }
    }
    Ok(Embedding { families, parts })
}

/// The face of `family` for bold and italic text: the right slope and the
/// weight nearest 700 or 400, on the right side of 600. None when the
/// family has no such face: Word and LibreOffice then slant or embolden the
/// regular face themselves, as Typst does.
fn select<'a>(
    faces: &'a [FontFace],
    family: &str,
    bold: bool,
    italic: bool,
) -> Option<&'a FontFace> {
    let target: u16 = if bold { 700 } else { 400 };
    faces
        .iter()
        .filter(|f| f.family.eq_ignore_ascii_case(family))
        .filter(|f| f.italic == italic && (f.weight >= 600) == bold)
        .min_by_key(|f| (f.weight.abs_diff(target), f.data.path(), f.index))
}

/// A face to embed, as far as the caches know it.
enum Lookup {
    /// Packed before, in this process or by an earlier run; None for a face
    /// that cannot be embedded as a part of its own (a face of a
    /// collection, or one without outlines).
    Found(Option<Arc<Packed>>),
    /// Read, keyed and obfuscated, still to be deflated.
    ToPack(Unpacked),
}

/// A face read, keyed and obfuscated, to be deflated by [`pack`].
struct Unpacked {
    id: FaceFileId,
    key: String,
    obfuscated: Vec<u8>,
}

/// The face file as the in-process cache knows it: path, length and
/// modification time.
type FaceFileId = (PathBuf, u64, Option<SystemTime>);

/// The process's packed faces.
fn process_cache() -> std::sync::MutexGuard<'static, PackedCache> {
    PACKED
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
}

/// Finds the face packed in this process or kept packed by an earlier run;
/// else reads, keys and obfuscates it for [`pack`].
fn look_up(face: &FontFace) -> Result<Lookup, String> {
    if face.index != 0 {
        return Ok(Lookup::Found(None));
    }
    let path = face.data.path();
    let metadata =
        std::fs::metadata(path).map_err(|e| format!("cannot read {}: {e}", path.display()))?;
    let id = (path.to_path_buf(), metadata.len(), metadata.modified().ok());
    if let Some((_, packed)) = process_cache().iter().find(|(key, _)| *key == id) {
        return Ok(Lookup::Found(packed.clone()));
    }
    let data = face
        .data
        .get()
        .ok_or_else(|| format!("cannot read {}", path.display()))?;
    if data.starts_with(b"ttcf") || !has_outlines(data) {
        process_cache().push((id, None));
        return Ok(Lookup::Found(None));
    }
    let key = font_key(data);
    // Only the first bytes differ once obfuscated: a kept packing is
    // checked against them and the face's own bytes, and the face is
    // copied only when it has to be packed.
    let mut head = data[..OBFUSCATED_BYTES.min(data.len())].to_vec();
    obfuscate(&mut head, &key);
    if let Some(archive) = stored_packing(&key, &head, &data[head.len()..]) {
        let packed = Arc::new(Packed { key, archive });
        process_cache().push((id, Some(Arc::clone(&packed))));
        return Ok(Lookup::Found(Some(packed)));
    }
    let mut obfuscated = data.to_vec();
    obfuscated[..head.len()].copy_from_slice(&head);
    Ok(Lookup::ToPack(Unpacked {
        id,
        key,
        obfuscated,
    }))
}

/// Deflates an obfuscated face, and keeps the packing for this process and
/// the next runs.
fn pack(unpacked: Unpacked) -> Result<Option<Arc<Packed>>, String> {
    let Unpacked {
        id,
        key,
        obfuscated,
    } = unpacked;
    let mut writer = ZipWriter::new(Cursor::new(Vec::new()));
    let options = SimpleFileOptions::default()
        .compression_method(CompressionMethod::Deflated)
        .compression_level(Some(6))
        .last_modified_time(DateTime::default())
        .unix_permissions(0o644);
    let archive = (|| -> ZipResult<Vec<u8>> {
        writer.start_file(PACKED_ENTRY, options)?;
        writer.write_all(&obfuscated)?;
        Ok(writer.finish()?.into_inner())
    })()
    .map_err(|e| e.to_string())?;
    store_packing(&key, &obfuscated, &archive);
    let packed = Arc::new(Packed { key, archive });
    process_cache().push((id, Some(Arc::clone(&packed))));
    Ok(Some(packed))
}

/// The file a face with `key`, of `length` bytes, is kept packed in.
fn packing_file(key: &str, length: usize) -> Option<PathBuf> {
    let name: String = key.chars().filter(char::is_ascii_hexdigit).collect();
    Some(crate::user_cache::dir("fonts")?.join(format!("{name}-{length}.zip")))
}

/// The packing an earlier run kept of these very bytes: the same name
/// (the key is a hash of the face), a file whose own CRC (its last four
/// bytes) holds, and an entry of the face's length and CRC, so that a
/// damaged, stale or foreign file is never used. Deflating a face is most
/// of what the DOCX costs, and its result never changes.
fn stored_packing(key: &str, head: &[u8], rest: &[u8]) -> Option<Vec<u8>> {
    let length = head.len() + rest.len();
    let archive = crate::user_cache::read(&packing_file(key, length)?)?;
    let mut reader = ZipArchive::new(Cursor::new(archive.as_slice())).ok()?;
    let entry = reader.by_name(PACKED_ENTRY).ok()?;
    let mut crc = crc32fast::Hasher::new();
    crc.update(head);
    crc.update(rest);
    let same = entry.size() == length as u64
        && entry.crc32() == crc.finalize()
        && entry.compression() == CompressionMethod::Deflated;
    drop(entry);
    drop(reader);
    same.then_some(archive)
}

/// Keeps a packing for the next run; a cache that cannot be written is no
/// error.
fn store_packing(key: &str, obfuscated: &[u8], archive: &[u8]) {
    if let Some(file) = packing_file(key, obfuscated.len()) {
        crate::user_cache::store(&file, archive);
    }
}

/// What the DOCX's geometry needs of a face: the height Typst's lines
/// start from, and the widths of list markers and spaces, in em.
#[derive(Debug, Clone)]
pub struct FaceMetrics {
    /// The cap height: Typst's lines reach from the baseline up to it.
    pub cap_height: f64,
    /// Advance widths of printable ASCII and the list markers.
    advances: Vec<(char, f64)>,
}

impl FaceMetrics {
    /// The advance width of `c`, if the face has it among those measured.
    pub fn advance(&self, c: char) -> Option<f64> {
        self.advances
            .iter()
            .find(|(measured, _)| *measured == c)
            .map(|&(_, width)| width)
    }
}

/// The characters whose widths [`FaceMetrics`] keeps.
fn measured_chars() -> impl Iterator<Item = char> {
    (' '..='~').chain(['•', '◦', '▪', '–', '—'])
}

/// Reads the metrics of a face from its file; None when the file is not a
/// font the tables of which can be read.
pub fn measure(face: &FontFace) -> Option<FaceMetrics> {
    let font = ttf_parser::Face::parse(face.data.get()?, face.index).ok()?;
    let units = f64::from(font.units_per_em());
    // The line's top as Typst's font metrics read it: the cap height, else
    // the typographic ascender, else `hhea`'s.
    let ascender = f64::from(font.typographic_ascender().unwrap_or(font.ascender()));
    let cap_height = font
        .capital_height()
        .filter(|&h| h > 0)
        .map_or(ascender, f64::from);
    let advances = measured_chars()
        .filter_map(|c| {
            let glyph = font.glyph_index(c).filter(|g| g.0 != 0)?;
            Some((c, f64::from(font.glyph_hor_advance(glyph)?) / units))
        })
        .collect();
    Some(FaceMetrics {
        cap_height: cap_height / units,
        advances,
    })
}

/// Whether a font file's first face has glyph outlines (`glyf`, `CFF ` or
/// `CFF2`), not only bitmaps.
fn has_outlines(data: &[u8]) -> bool {
    ttf_parser::Face::parse(data, 0).is_ok_and(|face| {
        let tables = face.tables();
        tables.glyf.is_some() || tables.cff.is_some() || tables.cff2.is_some()
    })
}

/// A GUID made from the font's bytes, so that the same font gets the same
/// key in every build and the DOCX stays byte-identical: the CRC-32 of
/// each quarter of the face and its length (a few hundred kilobytes read
/// in well under a millisecond, where a byte-wise hash took several), with
/// the version and variant bits of a random GUID.
fn font_key(data: &[u8]) -> String {
    let quarter = data.len().div_ceil(4).max(1);
    let mut hash: u128 = 0;
    for (i, part) in data.chunks(quarter).enumerate() {
        hash |= u128::from(crc32fast::hash(part)) << (96 - 32 * i);
    }
    hash ^= data.len() as u128;
    let mut bytes = hash.to_be_bytes();
    bytes[6] = (bytes[6] & 0x0f) | 0x40;
    bytes[8] = (bytes[8] & 0x3f) | 0x80;
    let hex: String = bytes.iter().map(|b| format!("{b:02X}")).collect();
    format!(
        "{{{}-{}-{}-{}-{}}}",
        &hex[0..8],
        &hex[8..12],
        &hex[12..16],
        &hex[16..20],
        &hex[20..32]
    )
}

/// XORs the first 32 bytes of the font with the key's 16 bytes in reverse
/// order of their hex digits, twice over (ECMA-376 Part 1, §17.8.1). The
/// same call undoes it.
pub fn obfuscate(font: &mut [u8], key: &str) {
    let digits: Vec<u8> = key
        .bytes()
        .filter_map(|b| char::from(b).to_digit(16))
        .map(|d| d as u8)
        .collect();
    if digits.len() != 32 {
        return;
    }
    let mut key_bytes = [0u8; 16];
    for (i, pair) in digits.chunks(2).enumerate() {
        key_bytes[15 - i] = pair[0] << 4 | pair[1];
    }
    for (i, byte) in font.iter_mut().take(OBFUSCATED_BYTES).enumerate() {
        *byte ^= key_bytes[i % 16];
    }
}

impl Embedding {
    /// `word/fontTable.xml`: every family the document names, with its
    /// embedded faces. Elements follow CT_Font's order: Word refuses
    /// embedded fonts whose entry is out of order.
    pub fn font_table(&self) -> String {
        let mut xml = String::from(concat!(
            r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>"#,
            r#"<w:fonts xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">"#
        ));
        for family in &self.families {
            let (kind, pitch) = if family.monospace {
                ("modern", "fixed")
            } else {
                ("swiss", "variable")
            };
            xml.push_str(&format!(
                r#"<w:font w:name="{}"><w:charset w:val="00" /><w:family w:val="{kind}" /><w:pitch w:val="{pitch}" />"#,
                xml_attribute(&family.name)
            ));
            for &(element, part) in &family.embedded {
                xml.push_str(&format!(
                    r#"<w:{element} r:id="rIdFont{}" w:fontKey="{}" />"#,
                    part + 1,
                    self.parts[part].key
                ));
            }
            xml.push_str("</w:font>");
        }
        xml.push_str("</w:fonts>");
        xml
    }

    /// `word/_rels/fontTable.xml.rels`, or None when nothing is embedded.
    fn relationships(&self) -> Option<String> {
        if self.parts.is_empty() {
            return None;
        }
        let mut xml = String::from(concat!(
            r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>"#,
            r#"<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">"#
        ));
        for n in 1..=self.parts.len() {
            xml.push_str(&format!(
                r#"<Relationship Id="rIdFont{n}" Type="{FONT_RELATIONSHIP}" Target="fonts/font{n}.odttf" />"#
            ));
        }
        xml.push_str("</Relationships>");
        Some(xml)
    }

    /// Adds the `odttf` default content type to `[Content_Types].xml`.
    pub fn content_types(&self, types: &str) -> String {
        if self.parts.is_empty() || types.contains(r#"Extension="odttf""#) {
            return types.to_string();
        }
        let default =
            format!(r#"<Default Extension="odttf" ContentType="{OBFUSCATED_FONT_TYPE}" />"#);
        match types.find("<Default ") {
            Some(at) => format!("{}{default}{}", &types[..at], &types[at..]),
            None => types.to_string(),
        }
    }

    /// Adds `w:embedTrueTypeFonts` to `settings.xml`, after the elements
    /// CT_Settings puts before it (`w:zoom` among them).
    pub fn settings(&self, settings: &str) -> String {
        const EARLIER: [&str; 5] = [
            "<w:writeProtection",
            "<w:view ",
            "<w:zoom ",
            "<w:removePersonalInformation",
            "<w:removeDateAndTime",
        ];
        if self.parts.is_empty() || settings.contains("<w:embedTrueTypeFonts") {
            return settings.to_string();
        }
        let Some(open) = settings.find("<w:settings") else {
            return settings.to_string();
        };
        let after_open = settings[open..]
            .find('>')
            .map_or(settings.len(), |e| open + e + 1);
        let at = EARLIER
            .iter()
            .filter_map(|element| {
                let start = settings.find(element)?;
                Some(start + settings[start..].find("/>")? + 2)
            })
            .max()
            .unwrap_or(after_open);
        format!(
            "{}<w:embedTrueTypeFonts />{}",
            &settings[..at],
            &settings[at..]
        )
    }

    /// The bytes the packed faces take in the archive, about.
    pub fn packed_bytes(&self) -> usize {
        self.parts.iter().map(|packed| packed.archive.len()).sum()
    }

    /// Writes the font table's relationships and every embedded face.
    pub fn write_parts<W: Write + std::io::Seek>(
        &self,
        output: &mut ZipWriter<W>,
        options: SimpleFileOptions,
    ) -> ZipResult<()> {
        let Some(relationships) = self.relationships() else {
            return Ok(());
        };
        output.start_file("word/_rels/fontTable.xml.rels", options)?;
        output.write_all(relationships.as_bytes())?;
        for (n, packed) in self.parts.iter().enumerate() {
            let mut archive = ZipArchive::new(Cursor::new(packed.archive.as_slice()))?;
            let entry = archive
                .by_name(PACKED_ENTRY)
                .map_err(|_| ZipError::FileNotFound)?;
            output.raw_copy_file_rename(entry, format!("word/fonts/font{}.odttf", n + 1))?;
        }
        Ok(())
    }
}

/// Text as an XML attribute value.
fn xml_attribute(text: &str) -> String {
    super::clean_xml_text(text)
        .replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn obfuscation_xors_the_first_32_bytes_with_the_reversed_key() {
        let key = "{00112233-4455-6677-8899-AABBCCDDEEFF}";
        let mut data = vec![0u8; 40];
        obfuscate(&mut data, key);
        assert_eq!(data[0], 0xFF);
        assert_eq!(data[15], 0x00);
        assert_eq!(data[16], 0xFF);
        assert_eq!(data[31], 0x00);
        assert_eq!(&data[32..], &[0u8; 8]);
        obfuscate(&mut data, key);
        assert_eq!(data, vec![0u8; 40]);
    }

    #[test]
    fn keys_are_guids_made_from_the_bytes() {
        let key = font_key(b"font");
        assert_eq!(key, font_key(b"font"));
        assert_ne!(key, font_key(b"fonts"));
        assert_eq!(key.len(), 38);
        assert_eq!(&key[15..16], "4");
    }

    #[test]
    fn settings_gain_the_flag_after_zoom() {
        let embedding = Embedding {
            families: Vec::new(),
            parts: vec![Arc::new(Packed {
                key: String::new(),
                archive: Vec::new(),
            })],
        };
        let settings = r#"<w:settings xmlns:w="w"><w:zoom w:percent="100" /><w:defaultTabStop w:val="840" /></w:settings>"#;
        assert_eq!(
            embedding.settings(settings),
            r#"<w:settings xmlns:w="w"><w:zoom w:percent="100" /><w:embedTrueTypeFonts /><w:defaultTabStop w:val="840" /></w:settings>"#
        );
        let settings = r#"<w:settings xmlns:w="w"><w:defaultTabStop w:val="840" /></w:settings>"#;
        assert_eq!(
            embedding.settings(settings),
            r#"<w:settings xmlns:w="w"><w:embedTrueTypeFonts /><w:defaultTabStop w:val="840" /></w:settings>"#
        );
    }
}
