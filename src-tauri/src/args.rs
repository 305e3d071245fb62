//! A command's arguments, checked before it runs. Tauri alone picks each named argument out of
//! the call and ignores the rest; here the whole argument object is one typed value (the API's
//! argument types refuse unknown fields), bounded in size, and a binary body is refused. Every
//! refusal is a `bad_arguments` error naming the command and what was wrong.

use serde::de::DeserializeOwned;
use suangu_api::dto::{ApiError, ErrorCode};
use tauri::ipc::{CommandArg, CommandItem, InvokeBody, InvokeError};

/// The whole argument object of a command, typed (`T` refuses unknown fields).
pub struct Args<T>(pub T);

impl<'a, R: tauri::Runtime, T: DeserializeOwned> CommandArg<'a, R> for Args<T> {
    fn from_command(command: CommandItem<'a, R>) -> Result<Self, InvokeError> {
        parse(command.name, command.message.payload())
            .map(Args)
            .map_err(InvokeError::from)
    }
}

/// The arguments of `command` from its invoke body.
pub fn parse<T: DeserializeOwned>(command: &str, body: &InvokeBody) -> Result<T, ApiError> {
    match body {
        InvokeBody::Json(args) => suangu_api::parse(command, args.clone()),
        InvokeBody::Raw(bytes) => Err(ApiError {
            code: ErrorCode::BadArguments,
            message: format!(
                "{command}: {} bytes of binary arguments; it takes a JSON object",
                bytes.len()
            ),
            details: Vec::new(),
        }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use suangu_api::dto::{DrillArgs, NoArgs};

    fn json(text: &str) -> InvokeBody {
        InvokeBody::Json(serde_json::from_str(text).expect("test JSON"))
    }

    #[test]
    fn takes_the_arguments_a_command_names() {
        let args: DrillArgs =
            parse("drill", &json(r#"{"asset":"SS-110-2","minutes":5}"#)).expect("valid arguments");
        assert_eq!(args.asset, "SS-110-2");
        assert_eq!(args.minutes, Some(5));
        parse::<NoArgs>("park_summary", &json("{}")).expect("no arguments");
    }

    #[test]
    fn refuses_unknown_fields_wrong_types_size_and_bytes() {
        let refused = |command: &str, body: &InvokeBody, what: &str| {
            let e = match command {
                "drill" => parse::<DrillArgs>(command, body).map(|_| ()),
                _ => parse::<NoArgs>(command, body).map(|_| ()),
            }
            .expect_err(what);
            assert_eq!(e.code, ErrorCode::BadArguments, "{what}");
            assert!(
                e.message.starts_with(&format!("{command}: ")),
                "{}",
                e.message
            );
            e.message
        };
        let unknown = refused(
            "drill",
            &json(r#"{"asset":"SS-110-2","as_admin":true}"#),
            "an unknown field",
        );
        assert!(unknown.contains("as_admin"), "{unknown}");
        refused("park_summary", &json(r#"{"x":1}"#), "a field for none");
        refused("drill", &json(r#"{"asset":7}"#), "a number for a name");
        let long = format!(
            r#"{{"asset":"{}"}}"#,
            "x".repeat(suangu_api::MAX_ARGS_BYTES)
        );
        let size = refused("drill", &json(&long), "oversized");
        assert!(size.contains("at most 4096"), "{size}");
        let bytes = refused("drill", &InvokeBody::Raw(vec![1, 2, 3]), "bytes");
        assert!(bytes.contains("3 bytes of binary"), "{bytes}");
    }
}
