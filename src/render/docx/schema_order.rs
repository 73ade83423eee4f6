//! Puts the WordprocessingML parts in the element order of their schema.
//!
//! docx-rs writes properties in an order of its own: a paragraph's
//! properties open with its mark's run properties, a numbering reference
//! names the list before the level, a style's run properties come before
//! its paragraph properties. LibreOffice reads that; Word reads properties
//! in schema order, drops what stands out of place (a paragraph's style, a
//! list level) and offers to repair the file.
//!
//! Rather than a second writer, this pass sorts the children of each
//! element by the slot their name takes in the content model of the
//! element's complex type ([`tables`]). The sort is stable and elements of
//! one repeating choice share a slot, so paragraphs, runs and table rows
//! keep their order; elements of other namespaces travel with the element
//! before them. What the schema does not allow where it stands is dropped
//! when it carries nothing (an empty `w:rPr` in a style's paragraph
//! properties), and so are the attributes [`tables::DROPPED_ATTRIBUTES`]
//! lists. Everything else (declarations, namespaces, text, `xml:space`)
//! is copied byte for byte, and a part already in order is returned as is.

mod tables;

use std::borrow::Cow;
use std::fmt::Write as _;
use std::ops::Range;

use quick_xml::NsReader;
use quick_xml::events::{BytesStart, Event};
use quick_xml::name::{Namespace, ResolveResult};

use tables::{DROPPED_ATTRIBUTES, ROOTS, Ty};

/// The WordprocessingML namespace.
const W: &str = "http://schemas.openxmlformats.org/wordprocessingml/2006/main";

/// Rewrites `xml`, one WordprocessingML part (`word/document.xml`,
/// `word/styles.xml`, a header…), in schema order.
///
/// Parts whose root element the tables do not cover come back unchanged.
///
/// # Errors
///
/// When `xml` is not well-formed.
pub fn reorder(xml: &str) -> Result<Cow<'_, str>, quick_xml::Error> {
    let mut tree = Tree::parse(xml)?;
    let Some(root) = tree.root else {
        return Ok(Cow::Borrowed(xml));
    };
    if !tree.settle() {
        return Ok(Cow::Borrowed(xml));
    }
    let root = &tree.nodes[root];
    let mut out = String::with_capacity(xml.len());
    out.push_str(&xml[..root.open.start]);
    tree.write(root, &mut out);
    out.push_str(&xml[root.close.end..]);
    Ok(Cow::Owned(out))
}

/// What in `xml`, the part named `part`, stands against the order tables:
/// elements out of order, repeated where the schema allows one, or not
/// allowed at all, and attributes the schema does not define. One line per
/// finding, with the element's path; empty when the part is in order.
///
/// This is what [`reorder`] fixes, as a check for tests: a part it has
/// rewritten has no findings.
pub fn order_findings(part: &str, xml: &str) -> Vec<String> {
    let tree = match Tree::parse(xml) {
        Ok(tree) => tree,
        Err(e) => return vec![format!("{part}: not well-formed XML: {e}")],
    };
    let mut findings = Vec::new();
    for node in &tree.nodes {
        let Some(parent) = node.parent.map(|p| &tree.nodes[p]) else {
            continue;
        };
        let Some(slots) = tables::model(parent.ty) else {
            continue;
        };
        let at = || format!("{part}: {}", tree.path(node));
        let ctype = || format!("CT_{:?}", parent.ty);
        match node.place {
            Place::Stray => findings.push(format!(
                "{}: not allowed in {} ({})",
                at(),
                tree.tag(parent),
                ctype()
            )),
            Place::Slot(slot) => {
                let previous = parent.children[..node.position]
                    .iter()
                    .rev()
                    .find_map(|&c| match tree.nodes[c].place {
                        Place::Slot(s) => Some((s, c)),
                        _ => None,
                    });
                match previous {
                    Some((before, c)) if before > slot => findings.push(format!(
                        "{}: after {}, but {} puts it before",
                        at(),
                        tree.tag(&tree.nodes[c]),
                        ctype()
                    )),
                    Some((before, _)) if before == slot && !slots[slot].repeats() => findings.push(
                        format!("{}: a second element where {} allows one", at(), ctype()),
                    ),
                    _ => {}
                }
            }
            Place::Free => {}
        }
        if node.rewritten_open.is_some() {
            findings.push(format!(
                "{}: an attribute the schema does not define there",
                at()
            ));
        }
    }
    findings
}

/// Where an element stands in its parent's content model.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Place {
    /// In this slot of the model.
    Slot(usize),
    /// Unconstrained: of another namespace, or under an unchecked type. It
    /// travels with the element before it.
    Free,
    /// A WordprocessingML element the parent's model does not allow.
    Stray,
}

/// An element, as byte ranges into the part.
struct Node {
    /// The qualified name, as written.
    name: Range<usize>,
    ty: Ty,
    place: Place,
    parent: Option<usize>,
    /// The index among the parent's children, in document order.
    position: usize,
    /// Where the content before the element starts (the end of the
    /// previous sibling or of the parent's start tag): whitespace and
    /// comments there travel with the element.
    lead: usize,
    /// The start tag (the whole element when it is empty).
    open: Range<usize>,
    /// The end tag; empty, at the end of `open`, for an empty element.
    close: Range<usize>,
    /// Where the content after the last child starts.
    tail: usize,
    children: Vec<usize>,
    /// Whether the element has attributes or character data: a stray
    /// element without either carries nothing and can go.
    content: bool,
    /// The start tag without the attributes the schema does not define.
    rewritten_open: Option<String>,
    /// Whether the element is written differently from the input.
    changed: bool,
}

impl Node {
    fn droppable(&self) -> bool {
        self.place == Place::Stray && !self.content && self.children.is_empty()
    }
}

struct Tree<'a> {
    xml: &'a str,
    nodes: Vec<Node>,
    root: Option<usize>,
}

impl<'a> Tree<'a> {
    fn parse(xml: &'a str) -> Result<Self, quick_xml::Error> {
        let mut reader = NsReader::from_str(xml);
        let mut nodes: Vec<Node> = Vec::new();
        let mut open: Vec<usize> = Vec::new();
        let mut root = None;
        // The end of the last start tag, end tag or empty element.
        let mut mark = 0;
        loop {
            let start = position(&reader);
            let (resolved, event) = reader.read_resolved_event()?;
            let in_w = matches!(resolved, ResolveResult::Bound(Namespace(ns)) if ns == W);
            let end = position(&reader);
            match event {
                Event::Start(ref e) | Event::Empty(ref e) => {
                    let local = e.local_name();
                    let local = local.as_ref();
                    let parent = open.last().copied();
                    let (ty, place) = classify(parent.map(|p| nodes[p].ty), in_w, local);
                    let rewritten_open = match parent {
                        Some(p) if in_w => {
                            let empty = matches!(event, Event::Empty(_));
                            drop_attributes(&reader, e, empty, nodes[p].ty, local)
                        }
                        _ => None,
                    };
                    let index = nodes.len();
                    let position = parent.map_or(0, |p| nodes[p].children.len());
                    nodes.push(Node {
                        name: start + 1..start + 1 + e.name().as_ref().len(),
                        ty,
                        place,
                        parent,
                        position,
                        lead: mark,
                        open: start..end,
                        close: end..end,
                        tail: end,
                        children: Vec::new(),
                        content: !e.attributes_raw().trim().is_empty(),
                        changed: rewritten_open.is_some(),
                        rewritten_open,
                    });
                    match parent {
                        Some(p) => nodes[p].children.push(index),
                        None => root = root.or(Some(index)),
                    }
                    if matches!(event, Event::Start(_)) {
                        open.push(index);
                    }
                    mark = end;
                }
                Event::End(_) => {
                    if let Some(index) = open.pop() {
                        let node = &mut nodes[index];
                        node.tail = mark;
                        node.close = start..end;
                    }
                    mark = end;
                }
                Event::Text(ref t) if t.as_ref().trim().is_empty() => {}
                Event::Text(_) | Event::CData(_) | Event::GeneralRef(_) => {
                    if let Some(&index) = open.last() {
                        nodes[index].content = true;
                    }
                }
                Event::Eof => break,
                _ => {}
            }
        }
        let root = root.filter(|&r| nodes[r].ty != Ty::Unchecked);
        Ok(Self { xml, nodes, root })
    }

    /// Puts the children of every element in schema order, leaving out
    /// what can go; returns whether anything changed.
    fn settle(&mut self) -> bool {
        // Children come after their parent: settle them first.
        for index in (0..self.nodes.len()).rev() {
            let mut changed = self.nodes[index].changed;
            let mut children = std::mem::take(&mut self.nodes[index].children);
            let before = children.len();
            children.retain(|&c| !self.nodes[c].droppable());
            changed |= children.len() != before;
            changed |= children.iter().any(|&c| self.nodes[c].changed);
            let mut key = 0;
            let mut keys: Vec<(usize, usize)> = children
                .iter()
                .map(|&c| {
                    if let Place::Slot(slot) = self.nodes[c].place {
                        key = slot;
                    }
                    (key, c)
                })
                .collect();
            if !keys.is_sorted_by_key(|&(k, _)| k) {
                keys.sort_by_key(|&(k, _)| k);
                children = keys.into_iter().map(|(_, c)| c).collect();
                changed = true;
            }
            let node = &mut self.nodes[index];
            node.children = children;
            node.changed = changed;
        }
        self.root.is_some_and(|r| self.nodes[r].changed)
    }

    fn write(&self, node: &Node, out: &mut String) {
        let xml = self.xml;
        if !node.changed {
            out.push_str(&xml[node.open.start..node.close.end]);
            return;
        }
        match &node.rewritten_open {
            Some(open) => out.push_str(open),
            None => out.push_str(&xml[node.open.clone()]),
        }
        for &c in &node.children {
            let child = &self.nodes[c];
            out.push_str(&xml[child.lead..child.open.start]);
            self.write(child, out);
        }
        out.push_str(&xml[node.tail..node.close.end]);
    }

    fn tag(&self, node: &Node) -> &str {
        &self.xml[node.name.clone()]
    }

    /// `/w:document/w:body/w:p[3]/w:pPr`: a position only where siblings
    /// share the name.
    fn path(&self, node: &Node) -> String {
        let mut chain = vec![node];
        while let Some(p) = chain.last().and_then(|n| n.parent) {
            chain.push(&self.nodes[p]);
        }
        let mut path = String::new();
        for (depth, n) in chain.iter().enumerate().rev() {
            let tag = self.tag(n);
            let _ = write!(path, "/{tag}");
            if let Some(&parent) = chain.get(depth + 1) {
                let same: Vec<_> = parent
                    .children
                    .iter()
                    .filter(|&&c| self.tag(&self.nodes[c]) == tag)
                    .collect();
                if same.len() > 1 {
                    let nth = parent.children[..n.position]
                        .iter()
                        .filter(|&&c| self.tag(&self.nodes[c]) == tag)
                        .count();
                    let _ = write!(path, "[{}]", nth + 1);
                }
            }
        }
        path
    }
}

fn position(reader: &NsReader<&[u8]>) -> usize {
    // A part in memory is far smaller than the address space.
    usize::try_from(reader.buffer_position()).unwrap_or(usize::MAX)
}

/// The type and place of an element named `local` under a parent of type
/// `parent` (`None` for the root).
fn classify(parent: Option<Ty>, in_w: bool, local: &str) -> (Ty, Place) {
    if !in_w {
        return (Ty::Unchecked, Place::Free);
    }
    let Some(parent) = parent else {
        let ty = ROOTS
            .iter()
            .find(|(name, _)| *name == local)
            .map_or(Ty::Unchecked, |&(_, ty)| ty);
        return (ty, Place::Free);
    };
    let Some(slots) = tables::model(parent) else {
        return (Ty::Unchecked, Place::Free);
    };
    slots
        .iter()
        .enumerate()
        .find_map(|(i, slot)| slot.find(local).map(|ty| (ty, Place::Slot(i))))
        .unwrap_or((Ty::Unchecked, Place::Stray))
}

/// The start tag `e` without the WordprocessingML attributes the schema
/// does not define on it, or `None` when it has none of them.
fn drop_attributes(
    reader: &NsReader<&[u8]>,
    e: &BytesStart<'_>,
    empty: bool,
    parent: Ty,
    local: &str,
) -> Option<String> {
    let undefined: Vec<&str> = DROPPED_ATTRIBUTES
        .iter()
        .filter(|&&(ty, element, _)| ty == parent && element == local)
        .map(|&(_, _, attribute)| attribute)
        .collect();
    if undefined.is_empty() {
        return None;
    }
    let mut dropped = false;
    let mut open = format!("<{}", e.name().as_ref());
    for attribute in e.attributes().with_checks(false).flatten() {
        let (resolved, name) = reader.resolver().resolve_attribute(attribute.key);
        let in_w = matches!(resolved, ResolveResult::Bound(Namespace(ns)) if ns == W);
        if in_w && undefined.contains(&name.as_ref()) {
            dropped = true;
            continue;
        }
        let quote = if attribute.value.contains('"') {
            '\''
        } else {
            '"'
        };
        let _ = write!(
            open,
            " {}={quote}{}{quote}",
            attribute.key.as_ref(),
            attribute.value
        );
    }
    open.push_str(if empty { " />" } else { ">" });
    dropped.then_some(open)
}

#[cfg(test)]
mod tests {
    use super::*;

    const HEAD: &str = r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>"#;

    fn document(body: &str) -> String {
        format!(
            r#"{HEAD}<w:document xmlns:w="{W}" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships" xmlns:w14="http://schemas.microsoft.com/office/word/2010/wordml"><w:body>{body}</w:body></w:document>"#
        )
    }

    #[test]
    fn paragraph_properties_take_schema_order() {
        let xml = document(
            r#"<w:p w14:paraId="1"><w:pPr><w:rPr /><w:pStyle w:val="Quote" /><w:numPr><w:numId w:val="3" /><w:ilvl w:val="0" /></w:numPr></w:pPr><w:r><w:t xml:space="preserve"> a &amp; b </w:t></w:r></w:p>"#,
        );
        assert_eq!(
            reorder(&xml).unwrap(),
            document(
                r#"<w:p w14:paraId="1"><w:pPr><w:pStyle w:val="Quote" /><w:numPr><w:ilvl w:val="0" /><w:numId w:val="3" /></w:numPr><w:rPr /></w:pPr><w:r><w:t xml:space="preserve"> a &amp; b </w:t></w:r></w:p>"#
            )
        );
        assert_eq!(
            order_findings("d", &xml).len(),
            2,
            "{:#?}",
            order_findings("d", &xml)
        );
        assert_eq!(
            order_findings("d", &reorder(&xml).unwrap()),
            Vec::<String>::new()
        );
    }

    #[test]
    fn run_properties_follow_their_context() {
        // A run's properties: ECMA-376's sequence, rStyle first.
        let run = document(
            r#"<w:p><w:r><w:rPr><w:highlight w:val="yellow" /><w:b /><w:rStyle w:val="Flag" /></w:rPr><w:t>x</w:t></w:r></w:p>"#,
        );
        assert_eq!(
            reorder(&run).unwrap(),
            document(
                r#"<w:p><w:r><w:rPr><w:rStyle w:val="Flag" /><w:b /><w:highlight w:val="yellow" /></w:rPr><w:t>x</w:t></w:r></w:p>"#
            )
        );
        // A paragraph mark's: the revision marks come before them.
        let mark =
            document(r#"<w:p><w:pPr><w:rPr><w:b /><w:ins w:id="1" /></w:rPr></w:pPr></w:p>"#);
        assert_eq!(
            reorder(&mark).unwrap(),
            document(r#"<w:p><w:pPr><w:rPr><w:ins w:id="1" /><w:b /></w:rPr></w:pPr></w:p>"#)
        );
    }

    #[test]
    fn body_content_keeps_its_order_and_the_section_goes_last() {
        let xml = document(
            r#"
  <w:sectPr><w:pgSz w:w="1" /><w:headerReference w:type="default" r:id="rId1" /></w:sectPr>
  <w:p><w:r><w:t>2</w:t></w:r></w:p>
  <!-- kept -->
  <w:tbl><w:tblPr /><w:tblGrid><w:gridCol w:w="5" w:type="dxa" /></w:tblGrid></w:tbl>
  <w:p><w:r><w:t>1</w:t></w:r></w:p>
"#,
        );
        let out = reorder(&xml).unwrap();
        assert_eq!(
            out,
            document(
                r#"
  <w:p><w:r><w:t>2</w:t></w:r></w:p>
  <!-- kept -->
  <w:tbl><w:tblPr /><w:tblGrid><w:gridCol w:w="5" /></w:tblGrid></w:tbl>
  <w:p><w:r><w:t>1</w:t></w:r></w:p>
  <w:sectPr><w:headerReference w:type="default" r:id="rId1" /><w:pgSz w:w="1" /></w:sectPr>
"#
            )
        );
        assert_eq!(order_findings("d", &out), Vec::<String>::new());
    }

    #[test]
    fn styles_lose_what_their_schema_does_not_allow() {
        let xml = format!(
            r#"<w:styles xmlns:w="{W}"><w:style w:type="paragraph" w:styleId="Title"><w:name w:val="Title" /><w:rPr><w:color w:val="1F3864" /><w:b /></w:rPr><w:pPr><w:rPr /><w:spacing w:after="240" /></w:pPr><w:next w:val="Normal" /><w:qFormat /><w:basedOn w:val="Normal" /></w:style></w:styles>"#
        );
        assert_eq!(
            reorder(&xml).unwrap(),
            format!(
                r#"<w:styles xmlns:w="{W}"><w:style w:type="paragraph" w:styleId="Title"><w:name w:val="Title" /><w:basedOn w:val="Normal" /><w:next w:val="Normal" /><w:qFormat /><w:pPr><w:spacing w:after="240" /></w:pPr><w:rPr><w:b /><w:color w:val="1F3864" /></w:rPr></w:style></w:styles>"#
            )
        );
        let findings = order_findings("word/styles.xml", &xml);
        assert!(
            findings.iter().any(|f| f
                == "word/styles.xml: /w:styles/w:style/w:pPr/w:rPr: not allowed in w:pPr (CT_PPrGeneral)"),
            "{findings:#?}"
        );
    }

    #[test]
    fn a_stray_element_with_content_stays_and_is_reported() {
        let xml = format!(
            r#"<w:styles xmlns:w="{W}"><w:style><w:pPr><w:rPr><w:b /></w:rPr></w:pPr></w:style></w:styles>"#
        );
        assert_eq!(reorder(&xml).unwrap(), xml);
        assert_eq!(order_findings("s", &xml).len(), 1);
    }

    #[test]
    fn parts_in_order_and_unknown_parts_are_untouched() {
        let ordered = document(r#"<w:p><w:pPr><w:pStyle w:val="A" /></w:pPr></w:p>"#);
        assert!(matches!(reorder(&ordered).unwrap(), Cow::Borrowed(_)));
        let other = r#"<w:comments xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:x /><w:a /></w:comments>"#;
        assert!(matches!(reorder(other).unwrap(), Cow::Borrowed(_)));
        assert!(order_findings("c", other).is_empty());
    }

    #[test]
    fn other_namespaces_travel_with_their_neighbour() {
        let xml = format!(
            r#"<w:settings xmlns:w="{W}" xmlns:w14="urn:w14"><w:defaultTabStop w:val="840" /><w14:x /><w:zoom w:percent="100" /></w:settings>"#
        );
        assert_eq!(
            reorder(&xml).unwrap(),
            format!(
                r#"<w:settings xmlns:w="{W}" xmlns:w14="urn:w14"><w:zoom w:percent="100" /><w:defaultTabStop w:val="840" /><w14:x /></w:settings>"#
            )
        );
    }

    #[test]
    fn content_controls_and_embedded_fonts_take_schema_order() {
        let xml = document(
            r#"<w:sdt><w:sdtContent><w:p /></w:sdtContent><w:sdtPr><w:docPartObj><w:docPartUnique /><w:docPartGallery w:val="Table of Contents" /></w:docPartObj><w:id w:val="1" /><w:rPr><w:b /></w:rPr></w:sdtPr></w:sdt>"#,
        );
        assert_eq!(
            reorder(&xml).unwrap(),
            document(
                r#"<w:sdt><w:sdtPr><w:rPr><w:b /></w:rPr><w:id w:val="1" /><w:docPartObj><w:docPartGallery w:val="Table of Contents" /><w:docPartUnique /></w:docPartObj></w:sdtPr><w:sdtContent><w:p /></w:sdtContent></w:sdt>"#
            )
        );
        let fonts = |font: &str| {
            format!(
                r#"<w:fonts xmlns:w="{W}" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><w:font w:name="Carlito">{font}</w:font></w:fonts>"#
            )
        };
        let xml = fonts(
            r#"<w:embedBold r:id="rId2" /><w:embedRegular r:id="rId1" /><w:pitch w:val="variable" /><w:family w:val="swiss" /><w:charset w:val="00" /><w:embedBoldItalic r:id="rId4" /><w:embedItalic r:id="rId3" />"#,
        );
        assert_eq!(
            reorder(&xml).unwrap(),
            fonts(
                r#"<w:charset w:val="00" /><w:family w:val="swiss" /><w:pitch w:val="variable" /><w:embedRegular r:id="rId1" /><w:embedBold r:id="rId2" /><w:embedItalic r:id="rId3" /><w:embedBoldItalic r:id="rId4" />"#
            )
        );
    }

    #[test]
    fn duplicates_are_reported() {
        let xml =
            document(r#"<w:p><w:pPr><w:jc w:val="left" /><w:jc w:val="right" /></w:pPr></w:p>"#);
        let findings = order_findings("d", &xml);
        assert_eq!(findings.len(), 1, "{findings:#?}");
        assert!(findings[0].contains("/w:p/w:pPr/w:jc[2]"), "{findings:#?}");
    }

    #[test]
    fn malformed_parts_are_errors() {
        assert!(reorder("<w:document><w:body></w:document>").is_err());
    }
}
