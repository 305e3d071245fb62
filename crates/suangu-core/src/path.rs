//! Field paths (`centres[3].feeds[0].feeder`) and their source positions.
//!
//! Validation speaks in paths; the loader turns a path into a line and column with the spans
//! that the TOML parser kept. The typed model therefore carries no spans at all.

use std::fmt;
use std::ops::Range;
use toml::de::{DeTable, DeValue};

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Segment {
    Key(String),
    Index(usize),
}

/// A path from the document root to a field.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct FieldPath(Vec<Segment>);

impl FieldPath {
    pub fn root() -> Self {
        Self(Vec::new())
    }

    /// This path extended by a key.
    pub fn key(&self, key: &str) -> Self {
        let mut next = self.clone();
        next.0.push(Segment::Key(key.to_owned()));
        next
    }

    /// This path extended by an array index.
    pub fn index(&self, index: usize) -> Self {
        let mut next = self.clone();
        next.0.push(Segment::Index(index));
        next
    }

    pub fn segments(&self) -> &[Segment] {
        &self.0
    }

    /// From the path `serde_path_to_error` recorded while deserializing.
    pub(crate) fn from_serde(path: &serde_path_to_error::Path) -> Self {
        use serde_path_to_error::Segment as S;
        Self(
            path.iter()
                .filter_map(|segment| match segment {
                    S::Seq { index } => Some(Segment::Index(*index)),
                    S::Map { key } => Some(Segment::Key(key.clone())),
                    S::Enum { variant } => Some(Segment::Key(variant.clone())),
                    S::Unknown => None,
                })
                .collect(),
        )
    }
}

impl fmt::Display for FieldPath {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.0.is_empty() {
            return f.write_str("(document)");
        }
        for (i, segment) in self.0.iter().enumerate() {
            match segment {
                Segment::Key(key) if i == 0 => f.write_str(key)?,
                Segment::Key(key) => write!(f, ".{key}")?,
                Segment::Index(index) => write!(f, "[{index}]")?,
            }
        }
        Ok(())
    }
}

/// The byte range of the deepest part of `path` present in the document: the value when the
/// whole path exists, otherwise the closest ancestor (a missing field points at its table).
pub(crate) fn span_of(
    root: &DeTable<'_>,
    root_span: Range<usize>,
    path: &FieldPath,
) -> Range<usize> {
    let mut span = root_span;
    let mut table = Some(root);
    let mut array: Option<&[toml::Spanned<DeValue<'_>>]> = None;
    for segment in path.segments() {
        let next = match segment {
            Segment::Key(key) => table.and_then(|t| {
                t.iter()
                    .find(|(k, _)| k.get_ref().as_ref() == key.as_str())
                    .map(|(k, v)| (k.span(), v))
            }),
            Segment::Index(index) => array.and_then(|a| a.get(*index)).map(|v| (v.span(), v)),
        };
        let Some((key_span, value)) = next else { break };
        // Point at the key for scalars (where the eye looks), at the value for tables/arrays.
        span = match value.get_ref() {
            DeValue::Table(_) | DeValue::Array(_) => value.span(),
            _ => key_span,
        };
        table = value.get_ref().as_table();
        array = value.get_ref().as_array().map(|a| &a[..]);
    }
    span
}

/// 1-based line and column of a byte offset.
pub(crate) fn line_col(text: &str, offset: usize) -> (usize, usize) {
    let offset = offset.min(text.len());
    let before = &text[..text.floor_char_boundary(offset)];
    let line = before.matches('\n').count() + 1;
    let column = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
    (line, column)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn displays_like_an_accessor() {
        let p = FieldPath::root()
            .key("centres")
            .index(3)
            .key("feeds")
            .index(0)
            .key("feeder");
        assert_eq!(p.to_string(), "centres[3].feeds[0].feeder");
        assert_eq!(FieldPath::root().to_string(), "(document)");
    }

    #[test]
    fn finds_lines_of_nested_fields() {
        let text = "a = 1\n[[c]]\nid = \"x\"\n[[c]]\nid = \"y\"\nf = { v = 2 }\n";
        let doc = DeTable::parse(text).expect("valid toml");
        let at = |p: FieldPath| line_col(text, span_of(doc.get_ref(), doc.span(), &p).start).0;
        assert_eq!(at(FieldPath::root().key("a")), 1);
        assert_eq!(at(FieldPath::root().key("c").index(1).key("id")), 5);
        assert_eq!(at(FieldPath::root().key("c").index(1).key("f").key("v")), 6);
        // A missing field points at the closest ancestor that exists: the table header.
        assert_eq!(at(FieldPath::root().key("c").index(0).key("nope")), 2);
    }

    #[test]
    fn line_col_is_one_based_and_char_aware() {
        assert_eq!(line_col("ab\ncd", 0), (1, 1));
        assert_eq!(line_col("ab\ncd", 4), (2, 2));
        assert_eq!(line_col("名称\nx", 7), (2, 1));
        assert_eq!(line_col("x", 99), (1, 2));
    }
}
