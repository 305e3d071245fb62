//! `suangu secret`: the data sources' credentials in the OS keyring (the Secret Service on
//! Linux), under service `suangu`, for `password_keyring` and `token_keyring` in suangu.toml.
//! A secret is typed twice on the terminal without echo, or read as one line from stdin with
//! `--password-stdin`; it is never printed. The keyring is the operating system's, not the
//! park's store, so nothing here goes to the audit log.

use crate::common::ExitCode;
use crate::i18n::{Key, Lang};
use clap::{Args, Subcommand};
use serde::Serialize;
use suangu_core::sources::{KEYRING_SERVICE, keyring_name_ok};
use suangu_sources::secret::{self, KeyringError, Unusable};

/// The longest secret kept: room for a long bearer token (a JWT with many claims).
const MAX_SECRET_BYTES: usize = 16 * 1024;

#[derive(Args, Debug)]
pub struct SecretArgs {
    #[command(subcommand)]
    action: SecretAction,
}

#[derive(Subcommand, Debug)]
enum SecretAction {
    /// Keep a secret under NAME, replacing what was there: typed twice on the terminal without
    /// echo (or read as one line from stdin with --password-stdin).
    Set {
        /// The entry's name, as password_keyring or token_keyring give it.
        name: String,
        /// Read the secret as one line from stdin instead of the terminal.
        #[arg(long)]
        password_stdin: bool,
    },
    /// Remove NAME's secret from the keyring.
    Delete { name: String },
}

#[derive(Serialize)]
struct Done<'a> {
    service: &'a str,
    name: &'a str,
    stored: bool,
}

pub fn run(args: SecretArgs, json: bool, lang: Lang) -> Result<(), ExitCode> {
    let t = |k| lang.text(k);
    let name = match &args.action {
        SecretAction::Set { name, .. } | SecretAction::Delete { name } => name.as_str(),
    };
    if !keyring_name_ok(name) {
        eprintln!("{}: {name:?}: {}", t(Key::BadInput), t(Key::BadSecretName));
        return Err(ExitCode::BadInput);
    }
    let stored = match args.action {
        SecretAction::Set { password_stdin, .. } => {
            let value = if password_stdin {
                crate::user::password_from_stdin(
                    MAX_SECRET_BYTES,
                    (Key::SecretOneLine, Key::SecretNotUtf8),
                    lang,
                )?
            } else {
                crate::user::password_from_terminal(
                    name,
                    (Key::SecretPrompt, Key::SecretAgain),
                    Some(&|value: &str| checked(value, lang)),
                    lang,
                )?
            };
            checked(&value, lang)?;
            secret::keyring_set(name, &value).map_err(|e| keyring_error(&e, lang))?;
            true
        }
        SecretAction::Delete { .. } => {
            secret::keyring_delete(name).map_err(|e| keyring_error(&e, lang))?;
            false
        }
    };
    if json {
        crate::print_json(&Done {
            service: KEYRING_SERVICE,
            name,
            stored,
        });
    } else {
        let done = if stored {
            Key::SecretStored
        } else {
            Key::SecretDeleted
        };
        println!("{} {name} ({KEYRING_SERVICE})", t(done));
    }
    Ok(())
}

/// A secret worth keeping: not empty, not longer than [`MAX_SECRET_BYTES`].
fn checked(value: &str, lang: Lang) -> Result<(), ExitCode> {
    let refused = if value.is_empty() {
        Key::SecretEmpty
    } else if value.len() > MAX_SECRET_BYTES {
        Key::SecretTooLong
    } else {
        return Ok(());
    };
    eprintln!("{}: {}", lang.text(Key::BadInput), lang.text(refused));
    Err(ExitCode::BadInput)
}

/// Words for a [`KeyringError`], and its exit code: a name that holds nothing is bad input, a
/// keyring that cannot be used is a failure.
fn keyring_error(e: &KeyringError, lang: Lang) -> ExitCode {
    let t = |k| lang.text(k);
    match e {
        KeyringError::NoEntry { name } => {
            eprintln!("{}: {name}: {}", t(Key::BadInput), t(Key::KeyringNoEntry));
            ExitCode::BadInput
        }
        KeyringError::Unreachable { detail } => {
            eprintln!(
                "{}: {} ({detail})",
                t(Key::Failure),
                t(Key::KeyringUnreachable)
            );
            ExitCode::Failure
        }
        KeyringError::Unusable { name, why } => {
            let why = match why {
                Unusable::NotText => t(Key::KeyringNotText).to_owned(),
                Unusable::Ambiguous(n) => format!("{} ({n})", t(Key::KeyringAmbiguous)),
                Unusable::Other(detail) => detail.clone(),
            };
            eprintln!("{}: {name}: {why}", t(Key::Failure));
            ExitCode::Failure
        }
    }
}
