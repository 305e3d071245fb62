//! Errors in a scenario file. Each names the file, the line and column, the field and the kind,
//! so a person can fix the file without reading code.

use crate::path::FieldPath;
use serde::Serialize;
use std::fmt;

/// What is wrong. The names are stable: tests, the CLI's JSON and the UI switch on them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ErrorKind {
    /// Not valid TOML.
    Syntax,
    /// A field the format does not have (often a typo).
    UnknownField,
    /// A required field is absent.
    MissingField,
    /// A value of the wrong type (text where a number belongs, ...).
    WrongType,
    /// A name that is not one of the allowed values (e.g. `status = "closed"`).
    UnknownVariant,
    /// A figure without `origin`.
    MissingOrigin,
    /// A negative capacity, count or rating.
    NegativeValue,
    /// An id that refers to nothing (a centre on a feeder that does not exist).
    UnknownReference,
    /// The same id twice.
    DuplicateId,
    /// Values that contradict each other or break a rule of the format.
    Inconsistent,
}

impl ErrorKind {
    pub fn as_str(self) -> &'static str {
        match self {
            ErrorKind::Syntax => "syntax",
            ErrorKind::UnknownField => "unknown_field",
            ErrorKind::MissingField => "missing_field",
            ErrorKind::WrongType => "wrong_type",
            ErrorKind::UnknownVariant => "unknown_variant",
            ErrorKind::MissingOrigin => "missing_origin",
            ErrorKind::NegativeValue => "negative_value",
            ErrorKind::UnknownReference => "unknown_reference",
            ErrorKind::DuplicateId => "duplicate_id",
            ErrorKind::Inconsistent => "inconsistent",
        }
    }
}

impl fmt::Display for ErrorKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A problem found by validation, before it is placed in the file.
#[derive(Debug, Clone, PartialEq)]
pub struct Issue {
    pub path: FieldPath,
    pub kind: ErrorKind,
    pub message: String,
}

impl Issue {
    pub fn new(path: FieldPath, kind: ErrorKind, message: impl Into<String>) -> Self {
        Self {
            path,
            kind,
            message: message.into(),
        }
    }
}

/// One error, placed: file, line, column, field.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ScenarioError {
    pub file: String,
    pub line: usize,
    pub column: usize,
    /// The field's path, e.g. `centres[3].feeds[0].feeder`; `(document)` for syntax errors.
    pub field: String,
    pub kind: ErrorKind,
    pub message: String,
}

impl fmt::Display for ScenarioError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}:{}:{}: {}: {} ({})",
            self.file, self.line, self.column, self.field, self.message, self.kind
        )
    }
}

/// All errors found in one file (at least one).
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub struct ScenarioErrors(pub Vec<ScenarioError>);

impl ScenarioErrors {
    pub fn first(&self) -> Option<&ScenarioError> {
        self.0.first()
    }
}

impl fmt::Display for ScenarioErrors {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, error) in self.0.iter().enumerate() {
            if i > 0 {
                writeln!(f)?;
            }
            write!(f, "{error}")?;
        }
        Ok(())
    }
}
