//! The draft's watermark, as Word writes one: a VML text shape behind the
//! page, anchored in every header.
//!
//! A draft DOCX goes to rapporteurs and comes back; once its flags are
//! filled in, nothing else would tell it from the final document. So it
//! carries the PDF's DRAFT across each page, in the same face, colour and
//! angle. Word and LibreOffice both read VML's text path, and LibreOffice
//! takes a shape named `PowerPlusWaterMarkObject…` for the document's
//! watermark (Format ▸ Watermark), as Word's own dialog does.

use unicode_normalization::UnicodeNormalization;

use super::fonts::FaceMetrics;
use super::package::xml_escape;
use crate::view::ReportView;

/// The PDF's watermark size.
const SIZE_PT: f64 = 120.0;
/// The PDF's rotation, counterclockwise; VML turns clockwise.
const ANGLE_DEG: u32 = 40;
/// The PDF's colour, `rgb(200, 30, 30, 28)`.
const COLOUR: &str = "#C81E1E";
/// The PDF's alpha, 28 of 255.
const OPACITY: &str = "0.11";
/// The width of a character the bold face's measured characters lack, in em.
const UNMEASURED_ADVANCE: f64 = 0.6;

/// What the draft's headers draw behind the page.
#[derive(Debug, Clone)]
pub struct Watermark {
    /// The layout's word for a draft, "DRAFT" or "ÉBAUCHE".
    text: String,
    /// The body font, set bold as in the PDF.
    family: String,
    /// The text's box: VML stretches the text path to fill it, so the box
    /// has the text's proportions at the PDF's size.
    width_pt: f64,
    height_pt: f64,
}

impl Watermark {
    /// The watermark of a draft; `None` for a final document.
    ///
    /// `bold` are the metrics of the body font's bold face, for the width.
    pub fn of(view: &ReportView, bold: Option<&FaceMetrics>) -> Option<Self> {
        if !view.draft {
            return None;
        }
        let text = view.layout.labels.draft.clone();
        let width_em: f64 = text
            .chars()
            .map(|c| {
                // An accented capital is as wide as its letter: the
                // metrics keep printable ASCII only.
                let base = c.nfd().next().unwrap_or(c);
                bold.and_then(|m| m.advance(base))
                    .unwrap_or(UNMEASURED_ADVANCE)
            })
            .sum();
        let cap_height = bold.map_or(0.7, |m| m.cap_height);
        Some(Self {
            text,
            family: view.layout.fonts.body.clone(),
            width_pt: width_em * SIZE_PT,
            height_pt: cap_height * SIZE_PT,
        })
    }

    /// `header`, a header part, with the watermark anchored in its first
    /// paragraph; `number` tells this header's shape from the others'.
    pub fn add_to(&self, header: &str, number: usize) -> String {
        let Some(paragraph) = header.find("<w:p ").or_else(|| header.find("<w:p>")) else {
            return header.to_string();
        };
        // After the paragraph's properties, which come first; else right
        // after its start tag.
        let at = match header[paragraph..].find("</w:pPr>") {
            Some(end) => paragraph + end + "</w:pPr>".len(),
            None => match header[paragraph..].find('>') {
                Some(end) if !header[..paragraph + end].ends_with('/') => paragraph + end + 1,
                _ => return header.to_string(),
            },
        };
        let mut out = String::with_capacity(header.len() + 1024);
        out.push_str(&header[..at]);
        out.push_str(&self.run(number));
        out.push_str(&header[at..]);
        out
    }

    /// The run that holds the shape, as Word's watermark dialog writes it.
    fn run(&self, number: usize) -> String {
        format!(
            concat!(
                r##"<w:r><w:rPr><w:noProof /></w:rPr><w:pict>"##,
                r##"<v:shapetype id="_x0000_t136" coordsize="21600,21600" o:spt="136" adj="10800" path="m@7,l@8,m@5,21600l@6,21600e">"##,
                r##"<v:formulas><v:f eqn="sum #0 0 10800" /><v:f eqn="prod #0 2 1" /><v:f eqn="sum 21600 0 @1" /><v:f eqn="sum 0 0 @2" /><v:f eqn="sum 21600 0 @3" /><v:f eqn="if @0 @3 0" /><v:f eqn="if @0 21600 @1" /><v:f eqn="if @0 0 @2" /><v:f eqn="if @0 @4 21600" /><v:f eqn="mid @5 @6" /><v:f eqn="mid @8 @5" /><v:f eqn="mid @7 @8" /><v:f eqn="mid @6 @7" /><v:f eqn="sum @6 0 @5" /></v:formulas>"##,
                r##"<v:path textpathok="t" o:connecttype="custom" o:connectlocs="@9,0;@10,10800;@11,21600;@12,10800" o:connectangles="270,180,90,0" />"##,
                r##"<v:textpath on="t" fitshape="t" />"##,
                r##"<v:handles><v:h position="#0,bottomRight" xrange="6629,14971" /></v:handles>"##,
                r##"<o:lock v:ext="edit" text="t" shapetype="t" />"##,
                r##"</v:shapetype>"##,
                r##"<v:shape id="PowerPlusWaterMarkObject{number}" o:spid="_x0000_s{spid}" type="#_x0000_t136" "##,
                r##"style="position:absolute;margin-left:0;margin-top:0;width:{width:.1}pt;height:{height:.1}pt;rotation:{rotation};z-index:-251657216;mso-position-horizontal:center;mso-position-horizontal-relative:page;mso-position-vertical:center;mso-position-vertical-relative:page" "##,
                r##"o:allowincell="f" fillcolor="{colour}" stroked="f">"##,
                r##"<v:fill opacity="{opacity}" />"##,
                r##"<v:textpath style="font-family:&quot;{family}&quot;;font-size:1pt;font-weight:bold" string="{text}" />"##,
                r##"<w10:wrap anchorx="page" anchory="page" />"##,
                r##"</v:shape></w:pict></w:r>"##,
            ),
            number = number,
            spid = 2049 + number,
            width = self.width_pt,
            height = self.height_pt,
            rotation = 360 - ANGLE_DEG,
            colour = COLOUR,
            opacity = OPACITY,
            family = xml_escape(&self.family),
            text = xml_escape(&self.text),
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn watermark(text: &str) -> Watermark {
        Watermark {
            text: text.to_string(),
            family: "Carlito".to_string(),
            width_pt: 300.0,
            height_pt: 80.0,
        }
    }

    #[test]
    fn goes_after_the_paragraph_properties() {
        let header = r#"<w:hdr><w:p w14:paraId="1"><w:pPr><w:pStyle w:val="Header" /></w:pPr><w:r><w:t>Title</w:t></w:r></w:p></w:hdr>"#;
        let out = watermark("DRAFT").add_to(header, 1);
        let shape = out.find("<w:pict>").unwrap();
        assert!(out.find("</w:pPr>").unwrap() < shape);
        assert!(shape < out.find("<w:t>Title").unwrap());
        assert!(out.contains(r#"string="DRAFT""#));
        assert!(out.contains("PowerPlusWaterMarkObject1"));
    }

    #[test]
    fn a_paragraph_without_properties_takes_it_first() {
        let out = watermark("DRAFT").add_to("<w:hdr><w:p><w:r /></w:p></w:hdr>", 2);
        assert!(out.starts_with("<w:hdr><w:p><w:r><w:rPr><w:noProof /></w:rPr><w:pict>"));
    }

    #[test]
    fn a_header_without_a_paragraph_is_left_alone() {
        assert_eq!(watermark("DRAFT").add_to("<w:hdr />", 1), "<w:hdr />");
        assert_eq!(
            watermark("DRAFT").add_to("<w:hdr><w:p /></w:hdr>", 1),
            "<w:hdr><w:p /></w:hdr>"
        );
    }

    #[test]
    fn the_label_is_data() {
        let out = watermark(r#"A"<b>&"#).add_to("<w:hdr><w:p></w:p></w:hdr>", 1);
        assert!(out.contains(r#"string="A&quot;&lt;b&gt;&amp;""#));
    }
}
