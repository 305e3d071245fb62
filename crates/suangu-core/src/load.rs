//! Reading a scenario: TOML text -> typed `Scenario` -> validated `Park`. The caller passes the
//! text and the name to show in messages; this module opens no files.

use crate::error::{ErrorKind, Issue, ScenarioError, ScenarioErrors};
use crate::figure::{MISSING_ORIGIN, NEGATIVE, NOT_FINITE};
use crate::park::Park;
use crate::path::{FieldPath, line_col, span_of};
use crate::scenario::Scenario;
use crate::validate::validate;
use serde::de::DeserializeOwned;
use std::ops::Range;
use toml::de::DeTable;

/// The built-in Qingyang scenario, compiled in so the demo needs no files.
pub const QINGYANG: &str = include_str!("../../../assets/scenarios/qingyang.toml");
/// The name shown for the built-in scenario in messages.
pub const QINGYANG_NAME: &str = "assets/scenarios/qingyang.toml";

/// Parse and validate a scenario. `file` is only used in messages.
pub fn load_str(text: &str, file: &str) -> Result<Park, ScenarioErrors> {
    let parsed: Parsed<'_, Scenario> = parse_toml(text, file)?;
    let findings = validate(&parsed.value);
    if !findings.errors.is_empty() {
        return Err(ScenarioErrors(parsed.place(findings.errors)));
    }
    let warnings = parsed.place(findings.warnings);
    Ok(Park::new(parsed.value, warnings))
}

/// A TOML file read into `T`, with what it takes to place later findings in the file.
pub(crate) struct Parsed<'a, T> {
    pub value: T,
    doc: toml::Spanned<DeTable<'a>>,
    text: &'a str,
    file: &'a str,
}

impl<T> Parsed<'_, T> {
    /// Validation findings (field paths) as errors with their line and column.
    pub fn place(&self, issues: Vec<Issue>) -> Vec<ScenarioError> {
        issues
            .into_iter()
            .map(|issue| {
                let span = span_of(self.doc.get_ref(), self.doc.span(), &issue.path);
                place(
                    self.text,
                    self.file,
                    span,
                    issue.path.to_string(),
                    issue.kind,
                    issue.message,
                )
            })
            .collect()
    }
}

fn place(
    text: &str,
    file: &str,
    span: Range<usize>,
    field: String,
    kind: ErrorKind,
    message: String,
) -> ScenarioError {
    let (line, column) = line_col(text, span.start);
    ScenarioError {
        file: file.to_owned(),
        line,
        column,
        field,
        kind,
        message,
    }
}

/// Parse TOML text into `T`: a syntax error or a field serde refuses comes back placed (file,
/// line, column, field path). `file` is only used in messages.
pub(crate) fn parse_toml<'a, T: DeserializeOwned>(
    text: &'a str,
    file: &'a str,
) -> Result<Parsed<'a, T>, ScenarioErrors> {
    let doc = DeTable::parse(text).map_err(|e| {
        let span = e.span().unwrap_or(0..0);
        let message = e.message().trim().to_owned();
        ScenarioErrors(vec![place(
            text,
            file,
            span,
            FieldPath::root().to_string(),
            ErrorKind::Syntax,
            message,
        )])
    })?;

    let deserializer =
        toml::de::Deserializer::from(DeTable::parse(text).map_err(|_| ScenarioErrors(Vec::new()))?);
    let value: T = serde_path_to_error::deserialize(deserializer).map_err(|e| {
        let inner = e.inner();
        let message = inner.message().trim().to_owned();
        let kind = classify(&message);
        let mut path = FieldPath::from_serde(e.path());
        // serde stops at the table that lacks the field; name the field itself.
        if let (ErrorKind::MissingField, Some(name)) = (kind, message.split('`').nth(1)) {
            path = path.key(name);
        }
        // Prefer the parser's own span (it points at the offending key or value); fall back to
        // the path when the error came from a place without one.
        let span = inner
            .span()
            .unwrap_or_else(|| span_of(doc.get_ref(), doc.span(), &path));
        ScenarioErrors(vec![place(
            text,
            file,
            span,
            path.to_string(),
            kind,
            message,
        )])
    })?;
    Ok(Parsed {
        value,
        doc,
        text,
        file,
    })
}

/// The kind of a serde error, from the stable wording serde and our figure type use.
fn classify(message: &str) -> ErrorKind {
    let starts = |prefix: &str| message.starts_with(prefix);
    if starts("unknown field") {
        ErrorKind::UnknownField
    } else if starts("missing field") {
        ErrorKind::MissingField
    } else if starts("invalid type") || starts("invalid length") {
        ErrorKind::WrongType
    } else if starts("unknown variant") {
        ErrorKind::UnknownVariant
    } else if starts(MISSING_ORIGIN) {
        ErrorKind::MissingOrigin
    } else if starts(NEGATIVE) {
        ErrorKind::NegativeValue
    } else if starts(NOT_FINITE) {
        ErrorKind::WrongType
    } else {
        ErrorKind::Inconsistent
    }
}

/// The built-in Qingyang park.
pub fn qingyang() -> Result<Park, ScenarioErrors> {
    load_str(QINGYANG, QINGYANG_NAME)
}
