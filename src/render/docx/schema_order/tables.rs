//! The content models of the WordprocessingML elements a DOCX of ours can
//! hold, from the complex types of `wml.xsd` in ISO/IEC 29500-4:2016
//! (transitional).
//!
//! A model is the element's children as slots in schema order. Group
//! references are inlined; a choice is one slot whose names may stand in
//! any order among themselves. `EG_RPrBase` is a choice in that schema, but
//! Word and the Open XML SDK read run properties in the sequence of
//! ECMA-376 1st edition, which is the order the choice declares them in:
//! here it is that sequence, in `CT_RPr` and `CT_ParaRPr` alike.
//!
//! Types for change tracking, custom XML, smart tags, ruby, mail merge,
//! form fields, VML objects and the like are `Unchecked`: nothing we write
//! contains them, and whatever they hold is left as it stands.

use Slot::{AnyOf, Many, Mix, One};
use Ty::*;

/// A place in a content model.
#[derive(Clone, Copy, Debug)]
pub enum Slot {
    /// One element, at most once.
    One(&'static str, Ty),
    /// One element, repeated.
    Many(&'static str, Ty),
    /// One of these elements, at most once.
    AnyOf(&'static [(&'static str, Ty)]),
    /// Any number of these elements, in any order among themselves.
    Mix(&'static [(&'static str, Ty)]),
}

impl Slot {
    /// The type of `name` when this slot holds it.
    pub fn find(self, name: &str) -> Option<Ty> {
        match self {
            One(n, ty) | Many(n, ty) => (n == name).then_some(ty),
            AnyOf(names) | Mix(names) => names.iter().find(|(n, _)| *n == name).map(|&(_, ty)| ty),
        }
    }

    /// Whether a second element may stand in this slot.
    pub fn repeats(self) -> bool {
        matches!(self, Many(..) | Mix(_))
    }
}

/// The complex type of an element, as far as its children go.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Ty {
    /// A type without element content (attributes, text or nothing).
    Empty,
    /// A type whose children are not checked nor reordered.
    Unchecked,
    /// CT_AbstractNum.
    AbstractNum,
    /// CT_Background.
    Background,
    /// CT_Body.
    Body,
    /// CT_Columns.
    Columns,
    /// CT_Compat.
    Compat,
    /// CT_DocDefaults.
    DocDefaults,
    /// CT_Document.
    Document,
    /// CT_EdnDocProps.
    EdnDocProps,
    /// CT_EdnProps.
    EdnProps,
    /// CT_Endnotes.
    Endnotes,
    /// CT_FldChar.
    FldChar,
    /// CT_Font.
    Font,
    /// CT_FontsList.
    FontsList,
    /// CT_Footnotes.
    Footnotes,
    /// CT_FtnDocProps.
    FtnDocProps,
    /// CT_FtnEdn.
    FtnEdn,
    /// CT_FtnProps.
    FtnProps,
    /// CT_HdrFtr.
    HdrFtr,
    /// CT_Hyperlink.
    Hyperlink,
    /// CT_LatentStyles.
    LatentStyles,
    /// CT_Lvl.
    Lvl,
    /// CT_Num.
    Num,
    /// CT_NumLvl.
    NumLvl,
    /// CT_NumPr.
    NumPr,
    /// CT_Numbering.
    Numbering,
    /// CT_P.
    P,
    /// CT_PBdr.
    PBdr,
    /// CT_PPr.
    PPr,
    /// CT_PPrDefault.
    PPrDefault,
    /// CT_PPrGeneral.
    PPrGeneral,
    /// CT_PageBorders.
    PageBorders,
    /// CT_ParaRPr.
    ParaRPr,
    /// CT_Placeholder.
    Placeholder,
    /// CT_R.
    R,
    /// CT_RPr.
    RPr,
    /// CT_RPrDefault.
    RPrDefault,
    /// CT_Row.
    Row,
    /// CT_SdtBlock.
    SdtBlock,
    /// CT_SdtCell.
    SdtCell,
    /// CT_SdtComboBox.
    SdtComboBox,
    /// CT_SdtContentBlock.
    SdtContentBlock,
    /// CT_SdtContentCell.
    SdtContentCell,
    /// CT_SdtContentRow.
    SdtContentRow,
    /// CT_SdtContentRun.
    SdtContentRun,
    /// CT_SdtDate.
    SdtDate,
    /// CT_SdtDocPart.
    SdtDocPart,
    /// CT_SdtDropDownList.
    SdtDropDownList,
    /// CT_SdtEndPr.
    SdtEndPr,
    /// CT_SdtPr.
    SdtPr,
    /// CT_SdtRow.
    SdtRow,
    /// CT_SdtRun.
    SdtRun,
    /// CT_SectPr.
    SectPr,
    /// CT_Settings.
    Settings,
    /// CT_SimpleField.
    SimpleField,
    /// CT_Style.
    Style,
    /// CT_Styles.
    Styles,
    /// CT_Tabs.
    Tabs,
    /// CT_Tbl.
    Tbl,
    /// CT_TblBorders.
    TblBorders,
    /// CT_TblCellMar.
    TblCellMar,
    /// CT_TblGrid.
    TblGrid,
    /// CT_TblPr.
    TblPr,
    /// CT_TblPrBase.
    TblPrBase,
    /// CT_TblPrEx.
    TblPrEx,
    /// CT_TblStylePr.
    TblStylePr,
    /// CT_Tc.
    Tc,
    /// CT_TcBorders.
    TcBorders,
    /// CT_TcMar.
    TcMar,
    /// CT_TcPr.
    TcPr,
    /// CT_TrPr.
    TrPr,
}

/// The root elements of the parts, with their types.
pub const ROOTS: &[(&str, Ty)] = &[
    ("document", Document),
    ("styles", Styles),
    ("numbering", Numbering),
    ("settings", Settings),
    ("fonts", FontsList),
    ("footnotes", Footnotes),
    ("endnotes", Endnotes),
    ("hdr", HdrFtr),
    ("ftr", HdrFtr),
];

/// Attributes in the WordprocessingML namespace that the schema does not
/// define on an element: (parent's type, element, attribute).
pub const DROPPED_ATTRIBUTES: &[(Ty, &str, &str)] = &[
    // docx-rs writes the unit of a grid column's width, which CT_TblGridCol
    // has no attribute for: the width is in twips by definition.
    (TblGrid, "gridCol", "type"),
];

/// The children `ty` may have, in order; `None` when they go unchecked.
pub fn model(ty: Ty) -> Option<&'static [Slot]> {
    Some(match ty {
        Empty => &[],
        Unchecked => return None,
        AbstractNum => CT_ABSTRACT_NUM,
        Background => CT_BACKGROUND,
        Body => CT_BODY,
        Columns => CT_COLUMNS,
        Compat => CT_COMPAT,
        DocDefaults => CT_DOC_DEFAULTS,
        Document => CT_DOCUMENT,
        EdnDocProps => CT_EDN_DOC_PROPS,
        EdnProps => CT_EDN_PROPS,
        Endnotes => CT_ENDNOTES,
        FldChar => CT_FLD_CHAR,
        Font => CT_FONT,
        FontsList => CT_FONTS_LIST,
        Footnotes => CT_FOOTNOTES,
        FtnDocProps => CT_FTN_DOC_PROPS,
        FtnEdn => CT_FTN_EDN,
        FtnProps => CT_FTN_PROPS,
        HdrFtr => CT_HDR_FTR,
        Hyperlink => CT_HYPERLINK,
        LatentStyles => CT_LATENT_STYLES,
        Lvl => CT_LVL,
        Num => CT_NUM,
        NumLvl => CT_NUM_LVL,
        NumPr => CT_NUM_PR,
        Numbering => CT_NUMBERING,
        P => CT_P,
        PBdr => CT_P_BDR,
        PPr => CT_P_PR,
        PPrDefault => CT_P_PR_DEFAULT,
        PPrGeneral => CT_P_PR_GENERAL,
        PageBorders => CT_PAGE_BORDERS,
        ParaRPr => CT_PARA_R_PR,
        Placeholder => CT_PLACEHOLDER,
        R => CT_R,
        RPr => CT_R_PR,
        RPrDefault => CT_R_PR_DEFAULT,
        Row => CT_ROW,
        SdtBlock => CT_SDT_BLOCK,
        SdtCell => CT_SDT_CELL,
        SdtComboBox => CT_SDT_COMBO_BOX,
        SdtContentBlock => CT_SDT_CONTENT_BLOCK,
        SdtContentCell => CT_SDT_CONTENT_CELL,
        SdtContentRow => CT_SDT_CONTENT_ROW,
        SdtContentRun => CT_SDT_CONTENT_RUN,
        SdtDate => CT_SDT_DATE,
        SdtDocPart => CT_SDT_DOC_PART,
        SdtDropDownList => CT_SDT_DROP_DOWN_LIST,
        SdtEndPr => CT_SDT_END_PR,
        SdtPr => CT_SDT_PR,
        SdtRow => CT_SDT_ROW,
        SdtRun => CT_SDT_RUN,
        SectPr => CT_SECT_PR,
        Settings => CT_SETTINGS,
        SimpleField => CT_SIMPLE_FIELD,
        Style => CT_STYLE,
        Styles => CT_STYLES,
        Tabs => CT_TABS,
        Tbl => CT_TBL,
        TblBorders => CT_TBL_BORDERS,
        TblCellMar => CT_TBL_CELL_MAR,
        TblGrid => CT_TBL_GRID,
        TblPr => CT_TBL_PR,
        TblPrBase => CT_TBL_PR_BASE,
        TblPrEx => CT_TBL_PR_EX,
        TblStylePr => CT_TBL_STYLE_PR,
        Tc => CT_TC,
        TcBorders => CT_TC_BORDERS,
        TcMar => CT_TC_MAR,
        TcPr => CT_TC_PR,
        TrPr => CT_TR_PR,
    })
}

/// EG_BlockLevelElts.
const EG_BLOCK_LEVEL_ELTS: &[(&str, Ty)] = &[
    ("customXml", Unchecked),
    ("sdt", SdtBlock),
    ("p", P),
    ("tbl", Tbl),
    ("proofErr", Empty),
    ("permStart", Empty),
    ("permEnd", Empty),
    ("bookmarkStart", Empty),
    ("bookmarkEnd", Empty),
    ("moveFromRangeStart", Empty),
    ("moveFromRangeEnd", Empty),
    ("moveToRangeStart", Empty),
    ("moveToRangeEnd", Empty),
    ("commentRangeStart", Empty),
    ("commentRangeEnd", Empty),
    ("customXmlInsRangeStart", Empty),
    ("customXmlInsRangeEnd", Empty),
    ("customXmlDelRangeStart", Empty),
    ("customXmlDelRangeEnd", Empty),
    ("customXmlMoveFromRangeStart", Empty),
    ("customXmlMoveFromRangeEnd", Empty),
    ("customXmlMoveToRangeStart", Empty),
    ("customXmlMoveToRangeEnd", Empty),
    ("ins", Unchecked),
    ("del", Unchecked),
    ("moveFrom", Unchecked),
    ("moveTo", Unchecked),
    ("altChunk", Unchecked),
];

/// EG_CellMarkupElements.
const EG_CELL_MARKUP_ELEMENTS: &[(&str, Ty)] =
    &[("cellIns", Empty), ("cellDel", Empty), ("cellMerge", Empty)];

/// EG_ContentBlockContent.
const EG_CONTENT_BLOCK_CONTENT: &[(&str, Ty)] = &[
    ("customXml", Unchecked),
    ("sdt", SdtBlock),
    ("p", P),
    ("tbl", Tbl),
    ("proofErr", Empty),
    ("permStart", Empty),
    ("permEnd", Empty),
    ("bookmarkStart", Empty),
    ("bookmarkEnd", Empty),
    ("moveFromRangeStart", Empty),
    ("moveFromRangeEnd", Empty),
    ("moveToRangeStart", Empty),
    ("moveToRangeEnd", Empty),
    ("commentRangeStart", Empty),
    ("commentRangeEnd", Empty),
    ("customXmlInsRangeStart", Empty),
    ("customXmlInsRangeEnd", Empty),
    ("customXmlDelRangeStart", Empty),
    ("customXmlDelRangeEnd", Empty),
    ("customXmlMoveFromRangeStart", Empty),
    ("customXmlMoveFromRangeEnd", Empty),
    ("customXmlMoveToRangeStart", Empty),
    ("customXmlMoveToRangeEnd", Empty),
    ("ins", Unchecked),
    ("del", Unchecked),
    ("moveFrom", Unchecked),
    ("moveTo", Unchecked),
];

/// EG_ContentCellContent.
const EG_CONTENT_CELL_CONTENT: &[(&str, Ty)] = &[
    ("tc", Tc),
    ("customXml", Unchecked),
    ("sdt", SdtCell),
    ("proofErr", Empty),
    ("permStart", Empty),
    ("permEnd", Empty),
    ("bookmarkStart", Empty),
    ("bookmarkEnd", Empty),
    ("moveFromRangeStart", Empty),
    ("moveFromRangeEnd", Empty),
    ("moveToRangeStart", Empty),
    ("moveToRangeEnd", Empty),
    ("commentRangeStart", Empty),
    ("commentRangeEnd", Empty),
    ("customXmlInsRangeStart", Empty),
    ("customXmlInsRangeEnd", Empty),
    ("customXmlDelRangeStart", Empty),
    ("customXmlDelRangeEnd", Empty),
    ("customXmlMoveFromRangeStart", Empty),
    ("customXmlMoveFromRangeEnd", Empty),
    ("customXmlMoveToRangeStart", Empty),
    ("customXmlMoveToRangeEnd", Empty),
    ("ins", Unchecked),
    ("del", Unchecked),
    ("moveFrom", Unchecked),
    ("moveTo", Unchecked),
];

/// EG_ContentRowContent.
const EG_CONTENT_ROW_CONTENT: &[(&str, Ty)] = &[
    ("tr", Row),
    ("customXml", Unchecked),
    ("sdt", SdtRow),
    ("proofErr", Empty),
    ("permStart", Empty),
    ("permEnd", Empty),
    ("bookmarkStart", Empty),
    ("bookmarkEnd", Empty),
    ("moveFromRangeStart", Empty),
    ("moveFromRangeEnd", Empty),
    ("moveToRangeStart", Empty),
    ("moveToRangeEnd", Empty),
    ("commentRangeStart", Empty),
    ("commentRangeEnd", Empty),
    ("customXmlInsRangeStart", Empty),
    ("customXmlInsRangeEnd", Empty),
    ("customXmlDelRangeStart", Empty),
    ("customXmlDelRangeEnd", Empty),
    ("customXmlMoveFromRangeStart", Empty),
    ("customXmlMoveFromRangeEnd", Empty),
    ("customXmlMoveToRangeStart", Empty),
    ("customXmlMoveToRangeEnd", Empty),
    ("ins", Unchecked),
    ("del", Unchecked),
    ("moveFrom", Unchecked),
    ("moveTo", Unchecked),
];

/// EG_HdrFtrReferences.
const EG_HDR_FTR_REFERENCES: &[(&str, Ty)] =
    &[("headerReference", Empty), ("footerReference", Empty)];

/// EG_PContent.
const EG_P_CONTENT: &[(&str, Ty)] = &[
    ("customXml", Unchecked),
    ("smartTag", Unchecked),
    ("sdt", SdtRun),
    ("dir", Unchecked),
    ("bdo", Unchecked),
    ("r", R),
    ("proofErr", Empty),
    ("permStart", Empty),
    ("permEnd", Empty),
    ("bookmarkStart", Empty),
    ("bookmarkEnd", Empty),
    ("moveFromRangeStart", Empty),
    ("moveFromRangeEnd", Empty),
    ("moveToRangeStart", Empty),
    ("moveToRangeEnd", Empty),
    ("commentRangeStart", Empty),
    ("commentRangeEnd", Empty),
    ("customXmlInsRangeStart", Empty),
    ("customXmlInsRangeEnd", Empty),
    ("customXmlDelRangeStart", Empty),
    ("customXmlDelRangeEnd", Empty),
    ("customXmlMoveFromRangeStart", Empty),
    ("customXmlMoveFromRangeEnd", Empty),
    ("customXmlMoveToRangeStart", Empty),
    ("customXmlMoveToRangeEnd", Empty),
    ("ins", Unchecked),
    ("del", Unchecked),
    ("moveFrom", Unchecked),
    ("moveTo", Unchecked),
    ("fldSimple", SimpleField),
    ("hyperlink", Hyperlink),
    ("subDoc", Empty),
];

/// EG_RangeMarkupElements.
const EG_RANGE_MARKUP_ELEMENTS: &[(&str, Ty)] = &[
    ("bookmarkStart", Empty),
    ("bookmarkEnd", Empty),
    ("moveFromRangeStart", Empty),
    ("moveFromRangeEnd", Empty),
    ("moveToRangeStart", Empty),
    ("moveToRangeEnd", Empty),
    ("commentRangeStart", Empty),
    ("commentRangeEnd", Empty),
    ("customXmlInsRangeStart", Empty),
    ("customXmlInsRangeEnd", Empty),
    ("customXmlDelRangeStart", Empty),
    ("customXmlDelRangeEnd", Empty),
    ("customXmlMoveFromRangeStart", Empty),
    ("customXmlMoveFromRangeEnd", Empty),
    ("customXmlMoveToRangeStart", Empty),
    ("customXmlMoveToRangeEnd", Empty),
];

/// EG_RunInnerContent.
const EG_RUN_INNER_CONTENT: &[(&str, Ty)] = &[
    ("br", Empty),
    ("t", Empty),
    ("contentPart", Empty),
    ("delText", Empty),
    ("instrText", Empty),
    ("delInstrText", Empty),
    ("noBreakHyphen", Empty),
    ("softHyphen", Empty),
    ("dayShort", Empty),
    ("monthShort", Empty),
    ("yearShort", Empty),
    ("dayLong", Empty),
    ("monthLong", Empty),
    ("yearLong", Empty),
    ("annotationRef", Empty),
    ("footnoteRef", Empty),
    ("endnoteRef", Empty),
    ("separator", Empty),
    ("continuationSeparator", Empty),
    ("sym", Empty),
    ("pgNum", Empty),
    ("cr", Empty),
    ("tab", Empty),
    ("object", Unchecked),
    ("pict", Unchecked),
    ("fldChar", FldChar),
    ("ruby", Unchecked),
    ("footnoteReference", Empty),
    ("endnoteReference", Empty),
    ("commentReference", Empty),
    ("drawing", Empty),
    ("ptab", Empty),
    ("lastRenderedPageBreak", Empty),
];

/// CT_AbstractNum.
const CT_ABSTRACT_NUM: &[Slot] = &[
    One("nsid", Empty),
    One("multiLevelType", Empty),
    One("tmpl", Empty),
    One("name", Empty),
    One("styleLink", Empty),
    One("numStyleLink", Empty),
    Many("lvl", Lvl),
];

/// CT_Background.
const CT_BACKGROUND: &[Slot] = &[One("drawing", Empty)];

/// CT_Body.
const CT_BODY: &[Slot] = &[Mix(EG_BLOCK_LEVEL_ELTS), One("sectPr", SectPr)];

/// CT_Columns.
const CT_COLUMNS: &[Slot] = &[Many("col", Empty)];

/// CT_Compat.
const CT_COMPAT: &[Slot] = &[
    One("useSingleBorderforContiguousCells", Empty),
    One("wpJustification", Empty),
    One("noTabHangInd", Empty),
    One("noLeading", Empty),
    One("spaceForUL", Empty),
    One("noColumnBalance", Empty),
    One("balanceSingleByteDoubleByteWidth", Empty),
    One("noExtraLineSpacing", Empty),
    One("doNotLeaveBackslashAlone", Empty),
    One("ulTrailSpace", Empty),
    One("doNotExpandShiftReturn", Empty),
    One("spacingInWholePoints", Empty),
    One("lineWrapLikeWord6", Empty),
    One("printBodyTextBeforeHeader", Empty),
    One("printColBlack", Empty),
    One("wpSpaceWidth", Empty),
    One("showBreaksInFrames", Empty),
    One("subFontBySize", Empty),
    One("suppressBottomSpacing", Empty),
    One("suppressTopSpacing", Empty),
    One("suppressSpacingAtTopOfPage", Empty),
    One("suppressTopSpacingWP", Empty),
    One("suppressSpBfAfterPgBrk", Empty),
    One("swapBordersFacingPages", Empty),
    One("convMailMergeEsc", Empty),
    One("truncateFontHeightsLikeWP6", Empty),
    One("mwSmallCaps", Empty),
    One("usePrinterMetrics", Empty),
    One("doNotSuppressParagraphBorders", Empty),
    One("wrapTrailSpaces", Empty),
    One("footnoteLayoutLikeWW8", Empty),
    One("shapeLayoutLikeWW8", Empty),
    One("alignTablesRowByRow", Empty),
    One("forgetLastTabAlignment", Empty),
    One("adjustLineHeightInTable", Empty),
    One("autoSpaceLikeWord95", Empty),
    One("noSpaceRaiseLower", Empty),
    One("doNotUseHTMLParagraphAutoSpacing", Empty),
    One("layoutRawTableWidth", Empty),
    One("layoutTableRowsApart", Empty),
    One("useWord97LineBreakRules", Empty),
    One("doNotBreakWrappedTables", Empty),
    One("doNotSnapToGridInCell", Empty),
    One("selectFldWithFirstOrLastChar", Empty),
    One("applyBreakingRules", Empty),
    One("doNotWrapTextWithPunct", Empty),
    One("doNotUseEastAsianBreakRules", Empty),
    One("useWord2002TableStyleRules", Empty),
    One("growAutofit", Empty),
    One("useFELayout", Empty),
    One("useNormalStyleForList", Empty),
    One("doNotUseIndentAsNumberingTabStop", Empty),
    One("useAltKinsokuLineBreakRules", Empty),
    One("allowSpaceOfSameStyleInTable", Empty),
    One("doNotSuppressIndentation", Empty),
    One("doNotAutofitConstrainedTables", Empty),
    One("autofitToFirstFixedWidthCell", Empty),
    One("underlineTabInNumList", Empty),
    One("displayHangulFixedWidth", Empty),
    One("splitPgBreakAndParaMark", Empty),
    One("doNotVertAlignCellWithSp", Empty),
    One("doNotBreakConstrainedForcedTable", Empty),
    One("doNotVertAlignInTxbx", Empty),
    One("useAnsiKerningPairs", Empty),
    One("cachedColBalance", Empty),
    Many("compatSetting", Empty),
];

/// CT_DocDefaults.
const CT_DOC_DEFAULTS: &[Slot] = &[One("rPrDefault", RPrDefault), One("pPrDefault", PPrDefault)];

/// CT_Document.
const CT_DOCUMENT: &[Slot] = &[One("background", Background), One("body", Body)];

/// CT_EdnDocProps.
const CT_EDN_DOC_PROPS: &[Slot] = &[
    One("pos", Empty),
    One("numFmt", Empty),
    One("numStart", Empty),
    One("numRestart", Empty),
    Many("endnote", Empty),
];

/// CT_EdnProps.
const CT_EDN_PROPS: &[Slot] = &[
    One("pos", Empty),
    One("numFmt", Empty),
    One("numStart", Empty),
    One("numRestart", Empty),
];

/// CT_Endnotes.
const CT_ENDNOTES: &[Slot] = &[Many("endnote", FtnEdn)];

/// CT_FldChar.
const CT_FLD_CHAR: &[Slot] = &[AnyOf(&[
    ("fldData", Empty),
    ("ffData", Unchecked),
    ("numberingChange", Empty),
])];

/// CT_Font.
const CT_FONT: &[Slot] = &[
    One("altName", Empty),
    One("panose1", Empty),
    One("charset", Empty),
    One("family", Empty),
    One("notTrueType", Empty),
    One("pitch", Empty),
    One("sig", Empty),
    One("embedRegular", Empty),
    One("embedBold", Empty),
    One("embedItalic", Empty),
    One("embedBoldItalic", Empty),
];

/// CT_FontsList.
const CT_FONTS_LIST: &[Slot] = &[Many("font", Font)];

/// CT_Footnotes.
const CT_FOOTNOTES: &[Slot] = &[Many("footnote", FtnEdn)];

/// CT_FtnDocProps.
const CT_FTN_DOC_PROPS: &[Slot] = &[
    One("pos", Empty),
    One("numFmt", Empty),
    One("numStart", Empty),
    One("numRestart", Empty),
    Many("footnote", Empty),
];

/// CT_FtnEdn.
const CT_FTN_EDN: &[Slot] = &[Mix(EG_BLOCK_LEVEL_ELTS)];

/// CT_FtnProps.
const CT_FTN_PROPS: &[Slot] = &[
    One("pos", Empty),
    One("numFmt", Empty),
    One("numStart", Empty),
    One("numRestart", Empty),
];

/// CT_HdrFtr.
const CT_HDR_FTR: &[Slot] = &[Mix(EG_BLOCK_LEVEL_ELTS)];

/// CT_Hyperlink.
const CT_HYPERLINK: &[Slot] = &[Mix(EG_P_CONTENT)];

/// CT_LatentStyles.
const CT_LATENT_STYLES: &[Slot] = &[Many("lsdException", Empty)];

/// CT_Lvl.
const CT_LVL: &[Slot] = &[
    One("start", Empty),
    One("numFmt", Empty),
    One("lvlRestart", Empty),
    One("pStyle", Empty),
    One("isLgl", Empty),
    One("suff", Empty),
    One("lvlText", Empty),
    One("lvlPicBulletId", Empty),
    One("legacy", Empty),
    One("lvlJc", Empty),
    One("pPr", PPrGeneral),
    One("rPr", RPr),
];

/// CT_Num.
const CT_NUM: &[Slot] = &[One("abstractNumId", Empty), Many("lvlOverride", NumLvl)];

/// CT_NumLvl.
const CT_NUM_LVL: &[Slot] = &[One("startOverride", Empty), One("lvl", Lvl)];

/// CT_NumPr.
const CT_NUM_PR: &[Slot] = &[
    One("ilvl", Empty),
    One("numId", Empty),
    One("numberingChange", Empty),
    One("ins", Empty),
];

/// CT_Numbering.
const CT_NUMBERING: &[Slot] = &[
    Many("numPicBullet", Unchecked),
    Many("abstractNum", AbstractNum),
    Many("num", Num),
    One("numIdMacAtCleanup", Empty),
];

/// CT_P.
const CT_P: &[Slot] = &[One("pPr", PPr), Mix(EG_P_CONTENT)];

/// CT_PBdr.
const CT_P_BDR: &[Slot] = &[
    One("top", Empty),
    One("left", Empty),
    One("bottom", Empty),
    One("right", Empty),
    One("between", Empty),
    One("bar", Empty),
];

/// CT_PPr.
const CT_P_PR: &[Slot] = &[
    One("pStyle", Empty),
    One("keepNext", Empty),
    One("keepLines", Empty),
    One("pageBreakBefore", Empty),
    One("framePr", Empty),
    One("widowControl", Empty),
    One("numPr", NumPr),
    One("suppressLineNumbers", Empty),
    One("pBdr", PBdr),
    One("shd", Empty),
    One("tabs", Tabs),
    One("suppressAutoHyphens", Empty),
    One("kinsoku", Empty),
    One("wordWrap", Empty),
    One("overflowPunct", Empty),
    One("topLinePunct", Empty),
    One("autoSpaceDE", Empty),
    One("autoSpaceDN", Empty),
    One("bidi", Empty),
    One("adjustRightInd", Empty),
    One("snapToGrid", Empty),
    One("spacing", Empty),
    One("ind", Empty),
    One("contextualSpacing", Empty),
    One("mirrorIndents", Empty),
    One("suppressOverlap", Empty),
    One("jc", Empty),
    One("textDirection", Empty),
    One("textAlignment", Empty),
    One("textboxTightWrap", Empty),
    One("outlineLvl", Empty),
    One("divId", Empty),
    One("cnfStyle", Empty),
    One("rPr", ParaRPr),
    One("sectPr", SectPr),
    One("pPrChange", Unchecked),
];

/// CT_PPrDefault.
const CT_P_PR_DEFAULT: &[Slot] = &[One("pPr", PPrGeneral)];

/// CT_PPrGeneral.
const CT_P_PR_GENERAL: &[Slot] = &[
    One("pStyle", Empty),
    One("keepNext", Empty),
    One("keepLines", Empty),
    One("pageBreakBefore", Empty),
    One("framePr", Empty),
    One("widowControl", Empty),
    One("numPr", NumPr),
    One("suppressLineNumbers", Empty),
    One("pBdr", PBdr),
    One("shd", Empty),
    One("tabs", Tabs),
    One("suppressAutoHyphens", Empty),
    One("kinsoku", Empty),
    One("wordWrap", Empty),
    One("overflowPunct", Empty),
    One("topLinePunct", Empty),
    One("autoSpaceDE", Empty),
    One("autoSpaceDN", Empty),
    One("bidi", Empty),
    One("adjustRightInd", Empty),
    One("snapToGrid", Empty),
    One("spacing", Empty),
    One("ind", Empty),
    One("contextualSpacing", Empty),
    One("mirrorIndents", Empty),
    One("suppressOverlap", Empty),
    One("jc", Empty),
    One("textDirection", Empty),
    One("textAlignment", Empty),
    One("textboxTightWrap", Empty),
    One("outlineLvl", Empty),
    One("divId", Empty),
    One("cnfStyle", Empty),
    One("pPrChange", Unchecked),
];

/// CT_PageBorders.
const CT_PAGE_BORDERS: &[Slot] = &[
    One("top", Empty),
    One("left", Empty),
    One("bottom", Empty),
    One("right", Empty),
];

/// CT_ParaRPr.
const CT_PARA_R_PR: &[Slot] = &[
    One("ins", Empty),
    One("del", Empty),
    One("moveFrom", Empty),
    One("moveTo", Empty),
    One("rStyle", Empty),
    One("rFonts", Empty),
    One("b", Empty),
    One("bCs", Empty),
    One("i", Empty),
    One("iCs", Empty),
    One("caps", Empty),
    One("smallCaps", Empty),
    One("strike", Empty),
    One("dstrike", Empty),
    One("outline", Empty),
    One("shadow", Empty),
    One("emboss", Empty),
    One("imprint", Empty),
    One("noProof", Empty),
    One("snapToGrid", Empty),
    One("vanish", Empty),
    One("webHidden", Empty),
    One("color", Empty),
    One("spacing", Empty),
    One("w", Empty),
    One("kern", Empty),
    One("position", Empty),
    One("sz", Empty),
    One("szCs", Empty),
    One("highlight", Empty),
    One("u", Empty),
    One("effect", Empty),
    One("bdr", Empty),
    One("shd", Empty),
    One("fitText", Empty),
    One("vertAlign", Empty),
    One("rtl", Empty),
    One("cs", Empty),
    One("em", Empty),
    One("lang", Empty),
    One("eastAsianLayout", Empty),
    One("specVanish", Empty),
    One("oMath", Empty),
    One("rPrChange", Unchecked),
];

/// CT_Placeholder.
const CT_PLACEHOLDER: &[Slot] = &[One("docPart", Empty)];

/// CT_R.
const CT_R: &[Slot] = &[One("rPr", RPr), Mix(EG_RUN_INNER_CONTENT)];

/// CT_RPr.
const CT_R_PR: &[Slot] = &[
    One("rStyle", Empty),
    One("rFonts", Empty),
    One("b", Empty),
    One("bCs", Empty),
    One("i", Empty),
    One("iCs", Empty),
    One("caps", Empty),
    One("smallCaps", Empty),
    One("strike", Empty),
    One("dstrike", Empty),
    One("outline", Empty),
    One("shadow", Empty),
    One("emboss", Empty),
    One("imprint", Empty),
    One("noProof", Empty),
    One("snapToGrid", Empty),
    One("vanish", Empty),
    One("webHidden", Empty),
    One("color", Empty),
    One("spacing", Empty),
    One("w", Empty),
    One("kern", Empty),
    One("position", Empty),
    One("sz", Empty),
    One("szCs", Empty),
    One("highlight", Empty),
    One("u", Empty),
    One("effect", Empty),
    One("bdr", Empty),
    One("shd", Empty),
    One("fitText", Empty),
    One("vertAlign", Empty),
    One("rtl", Empty),
    One("cs", Empty),
    One("em", Empty),
    One("lang", Empty),
    One("eastAsianLayout", Empty),
    One("specVanish", Empty),
    One("oMath", Empty),
    One("rPrChange", Unchecked),
];

/// CT_RPrDefault.
const CT_R_PR_DEFAULT: &[Slot] = &[One("rPr", RPr)];

/// CT_Row.
const CT_ROW: &[Slot] = &[
    One("tblPrEx", TblPrEx),
    One("trPr", TrPr),
    Mix(EG_CONTENT_CELL_CONTENT),
];

/// CT_SdtBlock.
const CT_SDT_BLOCK: &[Slot] = &[
    One("sdtPr", SdtPr),
    One("sdtEndPr", SdtEndPr),
    One("sdtContent", SdtContentBlock),
];

/// CT_SdtCell.
const CT_SDT_CELL: &[Slot] = &[
    One("sdtPr", SdtPr),
    One("sdtEndPr", SdtEndPr),
    One("sdtContent", SdtContentCell),
];

/// CT_SdtComboBox.
const CT_SDT_COMBO_BOX: &[Slot] = &[Many("listItem", Empty)];

/// CT_SdtContentBlock.
const CT_SDT_CONTENT_BLOCK: &[Slot] = &[Mix(EG_CONTENT_BLOCK_CONTENT)];

/// CT_SdtContentCell.
const CT_SDT_CONTENT_CELL: &[Slot] = &[Mix(EG_CONTENT_CELL_CONTENT)];

/// CT_SdtContentRow.
const CT_SDT_CONTENT_ROW: &[Slot] = &[Mix(EG_CONTENT_ROW_CONTENT)];

/// CT_SdtContentRun.
const CT_SDT_CONTENT_RUN: &[Slot] = &[Mix(EG_P_CONTENT)];

/// CT_SdtDate.
const CT_SDT_DATE: &[Slot] = &[
    One("dateFormat", Empty),
    One("lid", Empty),
    One("storeMappedDataAs", Empty),
    One("calendar", Empty),
];

/// CT_SdtDocPart.
const CT_SDT_DOC_PART: &[Slot] = &[
    One("docPartGallery", Empty),
    One("docPartCategory", Empty),
    One("docPartUnique", Empty),
];

/// CT_SdtDropDownList.
const CT_SDT_DROP_DOWN_LIST: &[Slot] = &[Many("listItem", Empty)];

/// CT_SdtEndPr.
const CT_SDT_END_PR: &[Slot] = &[Many("rPr", RPr)];

/// CT_SdtPr.
const CT_SDT_PR: &[Slot] = &[
    One("rPr", RPr),
    One("alias", Empty),
    One("tag", Empty),
    One("id", Empty),
    One("lock", Empty),
    One("placeholder", Placeholder),
    One("temporary", Empty),
    One("showingPlcHdr", Empty),
    One("dataBinding", Empty),
    One("label", Empty),
    One("tabIndex", Empty),
    AnyOf(&[
        ("equation", Empty),
        ("comboBox", SdtComboBox),
        ("date", SdtDate),
        ("docPartObj", SdtDocPart),
        ("docPartList", SdtDocPart),
        ("dropDownList", SdtDropDownList),
        ("picture", Empty),
        ("richText", Empty),
        ("text", Empty),
        ("citation", Empty),
        ("group", Empty),
        ("bibliography", Empty),
    ]),
];

/// CT_SdtRow.
const CT_SDT_ROW: &[Slot] = &[
    One("sdtPr", SdtPr),
    One("sdtEndPr", SdtEndPr),
    One("sdtContent", SdtContentRow),
];

/// CT_SdtRun.
const CT_SDT_RUN: &[Slot] = &[
    One("sdtPr", SdtPr),
    One("sdtEndPr", SdtEndPr),
    One("sdtContent", SdtContentRun),
];

/// CT_SectPr.
const CT_SECT_PR: &[Slot] = &[
    Mix(EG_HDR_FTR_REFERENCES),
    One("footnotePr", FtnProps),
    One("endnotePr", EdnProps),
    One("type", Empty),
    One("pgSz", Empty),
    One("pgMar", Empty),
    One("paperSrc", Empty),
    One("pgBorders", PageBorders),
    One("lnNumType", Empty),
    One("pgNumType", Empty),
    One("cols", Columns),
    One("formProt", Empty),
    One("vAlign", Empty),
    One("noEndnote", Empty),
    One("titlePg", Empty),
    One("textDirection", Empty),
    One("bidi", Empty),
    One("rtlGutter", Empty),
    One("docGrid", Empty),
    One("printerSettings", Empty),
    One("sectPrChange", Unchecked),
];

/// CT_Settings.
const CT_SETTINGS: &[Slot] = &[
    One("writeProtection", Empty),
    One("view", Empty),
    One("zoom", Empty),
    One("removePersonalInformation", Empty),
    One("removeDateAndTime", Empty),
    One("doNotDisplayPageBoundaries", Empty),
    One("displayBackgroundShape", Empty),
    One("printPostScriptOverText", Empty),
    One("printFractionalCharacterWidth", Empty),
    One("printFormsData", Empty),
    One("embedTrueTypeFonts", Empty),
    One("embedSystemFonts", Empty),
    One("saveSubsetFonts", Empty),
    One("saveFormsData", Empty),
    One("mirrorMargins", Empty),
    One("alignBordersAndEdges", Empty),
    One("bordersDoNotSurroundHeader", Empty),
    One("bordersDoNotSurroundFooter", Empty),
    One("gutterAtTop", Empty),
    One("hideSpellingErrors", Empty),
    One("hideGrammaticalErrors", Empty),
    Many("activeWritingStyle", Empty),
    One("proofState", Empty),
    One("formsDesign", Empty),
    One("attachedTemplate", Empty),
    One("linkStyles", Empty),
    One("stylePaneFormatFilter", Empty),
    One("stylePaneSortMethod", Empty),
    One("documentType", Empty),
    One("mailMerge", Unchecked),
    One("revisionView", Empty),
    One("trackRevisions", Empty),
    One("doNotTrackMoves", Empty),
    One("doNotTrackFormatting", Empty),
    One("documentProtection", Empty),
    One("autoFormatOverride", Empty),
    One("styleLockTheme", Empty),
    One("styleLockQFSet", Empty),
    One("defaultTabStop", Empty),
    One("autoHyphenation", Empty),
    One("consecutiveHyphenLimit", Empty),
    One("hyphenationZone", Empty),
    One("doNotHyphenateCaps", Empty),
    One("showEnvelope", Empty),
    One("summaryLength", Empty),
    One("clickAndTypeStyle", Empty),
    One("defaultTableStyle", Empty),
    One("evenAndOddHeaders", Empty),
    One("bookFoldRevPrinting", Empty),
    One("bookFoldPrinting", Empty),
    One("bookFoldPrintingSheets", Empty),
    One("drawingGridHorizontalSpacing", Empty),
    One("drawingGridVerticalSpacing", Empty),
    One("displayHorizontalDrawingGridEvery", Empty),
    One("displayVerticalDrawingGridEvery", Empty),
    One("doNotUseMarginsForDrawingGridOrigin", Empty),
    One("drawingGridHorizontalOrigin", Empty),
    One("drawingGridVerticalOrigin", Empty),
    One("doNotShadeFormData", Empty),
    One("noPunctuationKerning", Empty),
    One("characterSpacingControl", Empty),
    One("printTwoOnOne", Empty),
    One("strictFirstAndLastChars", Empty),
    One("noLineBreaksAfter", Empty),
    One("noLineBreaksBefore", Empty),
    One("savePreviewPicture", Empty),
    One("doNotValidateAgainstSchema", Empty),
    One("saveInvalidXml", Empty),
    One("ignoreMixedContent", Empty),
    One("alwaysShowPlaceholderText", Empty),
    One("doNotDemarcateInvalidXml", Empty),
    One("saveXmlDataOnly", Empty),
    One("useXSLTWhenSaving", Empty),
    One("saveThroughXslt", Empty),
    One("showXMLTags", Empty),
    One("alwaysMergeEmptyNamespace", Empty),
    One("updateFields", Empty),
    One("hdrShapeDefaults", Empty),
    One("footnotePr", FtnDocProps),
    One("endnotePr", EdnDocProps),
    One("compat", Compat),
    One("docVars", Unchecked),
    One("rsids", Unchecked),
    Many("attachedSchema", Empty),
    One("themeFontLang", Empty),
    One("clrSchemeMapping", Empty),
    One("doNotIncludeSubdocsInStats", Empty),
    One("doNotAutoCompressPictures", Empty),
    One("forceUpgrade", Empty),
    One("captions", Unchecked),
    One("readModeInkLockDown", Empty),
    Many("smartTagType", Empty),
    One("shapeDefaults", Empty),
    One("doNotEmbedSmartTags", Empty),
    One("decimalSymbol", Empty),
    One("listSeparator", Empty),
];

/// CT_SimpleField.
const CT_SIMPLE_FIELD: &[Slot] = &[One("fldData", Empty), Mix(EG_P_CONTENT)];

/// CT_Style.
const CT_STYLE: &[Slot] = &[
    One("name", Empty),
    One("aliases", Empty),
    One("basedOn", Empty),
    One("next", Empty),
    One("link", Empty),
    One("autoRedefine", Empty),
    One("hidden", Empty),
    One("uiPriority", Empty),
    One("semiHidden", Empty),
    One("unhideWhenUsed", Empty),
    One("qFormat", Empty),
    One("locked", Empty),
    One("personal", Empty),
    One("personalCompose", Empty),
    One("personalReply", Empty),
    One("rsid", Empty),
    One("pPr", PPrGeneral),
    One("rPr", RPr),
    One("tblPr", TblPrBase),
    One("trPr", TrPr),
    One("tcPr", TcPr),
    Many("tblStylePr", TblStylePr),
];

/// CT_Styles.
const CT_STYLES: &[Slot] = &[
    One("docDefaults", DocDefaults),
    One("latentStyles", LatentStyles),
    Many("style", Style),
];

/// CT_Tabs.
const CT_TABS: &[Slot] = &[Many("tab", Empty)];

/// CT_Tbl.
const CT_TBL: &[Slot] = &[
    Mix(EG_RANGE_MARKUP_ELEMENTS),
    One("tblPr", TblPr),
    One("tblGrid", TblGrid),
    Mix(EG_CONTENT_ROW_CONTENT),
];

/// CT_TblBorders.
const CT_TBL_BORDERS: &[Slot] = &[
    One("top", Empty),
    One("start", Empty),
    One("left", Empty),
    One("bottom", Empty),
    One("end", Empty),
    One("right", Empty),
    One("insideH", Empty),
    One("insideV", Empty),
];

/// CT_TblCellMar.
const CT_TBL_CELL_MAR: &[Slot] = &[
    One("top", Empty),
    One("start", Empty),
    One("left", Empty),
    One("bottom", Empty),
    One("end", Empty),
    One("right", Empty),
];

/// CT_TblGrid.
const CT_TBL_GRID: &[Slot] = &[Many("gridCol", Empty), One("tblGridChange", Unchecked)];

/// CT_TblPr.
const CT_TBL_PR: &[Slot] = &[
    One("tblStyle", Empty),
    One("tblpPr", Empty),
    One("tblOverlap", Empty),
    One("bidiVisual", Empty),
    One("tblStyleRowBandSize", Empty),
    One("tblStyleColBandSize", Empty),
    One("tblW", Empty),
    One("jc", Empty),
    One("tblCellSpacing", Empty),
    One("tblInd", Empty),
    One("tblBorders", TblBorders),
    One("shd", Empty),
    One("tblLayout", Empty),
    One("tblCellMar", TblCellMar),
    One("tblLook", Empty),
    One("tblCaption", Empty),
    One("tblDescription", Empty),
    One("tblPrChange", Unchecked),
];

/// CT_TblPrBase.
const CT_TBL_PR_BASE: &[Slot] = &[
    One("tblStyle", Empty),
    One("tblpPr", Empty),
    One("tblOverlap", Empty),
    One("bidiVisual", Empty),
    One("tblStyleRowBandSize", Empty),
    One("tblStyleColBandSize", Empty),
    One("tblW", Empty),
    One("jc", Empty),
    One("tblCellSpacing", Empty),
    One("tblInd", Empty),
    One("tblBorders", TblBorders),
    One("shd", Empty),
    One("tblLayout", Empty),
    One("tblCellMar", TblCellMar),
    One("tblLook", Empty),
    One("tblCaption", Empty),
    One("tblDescription", Empty),
];

/// CT_TblPrEx.
const CT_TBL_PR_EX: &[Slot] = &[
    One("tblW", Empty),
    One("jc", Empty),
    One("tblCellSpacing", Empty),
    One("tblInd", Empty),
    One("tblBorders", TblBorders),
    One("shd", Empty),
    One("tblLayout", Empty),
    One("tblCellMar", TblCellMar),
    One("tblLook", Empty),
    One("tblPrExChange", Unchecked),
];

/// CT_TblStylePr.
const CT_TBL_STYLE_PR: &[Slot] = &[
    One("pPr", PPrGeneral),
    One("rPr", RPr),
    One("tblPr", TblPrBase),
    One("trPr", TrPr),
    One("tcPr", TcPr),
];

/// CT_Tc.
const CT_TC: &[Slot] = &[One("tcPr", TcPr), Mix(EG_BLOCK_LEVEL_ELTS)];

/// CT_TcBorders.
const CT_TC_BORDERS: &[Slot] = &[
    One("top", Empty),
    One("start", Empty),
    One("left", Empty),
    One("bottom", Empty),
    One("end", Empty),
    One("right", Empty),
    One("insideH", Empty),
    One("insideV", Empty),
    One("tl2br", Empty),
    One("tr2bl", Empty),
];

/// CT_TcMar.
const CT_TC_MAR: &[Slot] = &[
    One("top", Empty),
    One("start", Empty),
    One("left", Empty),
    One("bottom", Empty),
    One("end", Empty),
    One("right", Empty),
];

/// CT_TcPr.
const CT_TC_PR: &[Slot] = &[
    One("cnfStyle", Empty),
    One("tcW", Empty),
    One("gridSpan", Empty),
    One("hMerge", Empty),
    One("vMerge", Empty),
    One("tcBorders", TcBorders),
    One("shd", Empty),
    One("noWrap", Empty),
    One("tcMar", TcMar),
    One("textDirection", Empty),
    One("tcFitText", Empty),
    One("vAlign", Empty),
    One("hideMark", Empty),
    One("headers", Unchecked),
    AnyOf(EG_CELL_MARKUP_ELEMENTS),
    One("tcPrChange", Unchecked),
];

/// CT_TrPr.
const CT_TR_PR: &[Slot] = &[
    Mix(&[
        ("cnfStyle", Empty),
        ("divId", Empty),
        ("gridBefore", Empty),
        ("gridAfter", Empty),
        ("wBefore", Empty),
        ("wAfter", Empty),
        ("cantSplit", Empty),
        ("trHeight", Empty),
        ("tblHeader", Empty),
        ("tblCellSpacing", Empty),
        ("jc", Empty),
        ("hidden", Empty),
    ]),
    One("ins", Empty),
    One("del", Empty),
    One("trPrChange", Unchecked),
];
