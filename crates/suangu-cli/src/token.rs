//! `suangu token`: access tokens of wall screens for `suangu serve` off loopback. A token is
//! printed once, with a one-time link that opens a browser session bound to it; the store keeps
//! only SHA-256 hashes (`suangu_store::Store::add_screen_token`).

use crate::common::{Context, ExitCode};
use crate::i18n::{Key, Lang};
use clap::{Args, Subcommand};
use serde::Serialize;
use sha2::{Digest, Sha256};
use suangu_api::audit::Action;
use suangu_store::{AnyStore, Store};

#[derive(Args, Debug)]
pub struct TokenArgs {
    #[command(subcommand)]
    action: TokenAction,
}

#[derive(Subcommand, Debug)]
enum TokenAction {
    /// Add a token for a wall screen: printed once, with a one-time link (`/login?code=...`).
    Add {
        /// The screen's name (unique among the park's active tokens).
        #[arg(long)]
        screen: String,
    },
    /// Every token of the park: screen, created, revoked, last seen (never the token).
    List,
    /// Revoke a screen's token: it and the browser sessions it opened stop working.
    Revoke {
        #[arg(long)]
        screen: String,
    },
}

/// A new 256-bit secret (token, link code or session), as 64 hex digits.
pub fn new_secret() -> Result<String, getrandom::Error> {
    let mut bytes = [0u8; 32];
    getrandom::fill(&mut bytes)?;
    Ok(hex(&bytes))
}

/// The SHA-256 of a secret as stored and compared: 64 hex digits.
pub fn sha256_hex(secret: &str) -> String {
    hex(&Sha256::digest(secret.as_bytes()))
}

fn hex(bytes: &[u8]) -> String {
    use std::fmt::Write;
    bytes.iter().fold(String::with_capacity(64), |mut s, b| {
        let _ = write!(s, "{b:02x}");
        s
    })
}

#[derive(Serialize)]
struct Added<'a> {
    screen: &'a str,
    token: &'a str,
    login_path: &'a str,
    created_s: i64,
}

#[derive(Serialize)]
struct Listed {
    screen: String,
    created_s: i64,
    revoked_s: Option<i64>,
    last_seen_s: Option<i64>,
    link_pending: bool,
}

pub fn run(args: TokenArgs, context: &Context, json: bool, lang: Lang) -> Result<(), ExitCode> {
    let park = context.open_park(json)?.park().scenario().park.id.clone();
    let bad = |message: &str| {
        eprintln!("{}: {message}", lang.text(Key::BadInput));
        ExitCode::BadInput
    };
    let fail = |message: String| {
        eprintln!("{}: {message}", lang.text(Key::Failure));
        ExitCode::Failure
    };
    if let TokenAction::Add { screen } | TokenAction::Revoke { screen } = &args.action {
        let chars = screen.chars().count();
        if !(1..=64).contains(&chars) || screen.chars().any(char::is_control) {
            return Err(bad(&format!(
                "--screen {screen:?}: {}",
                lang.text(Key::BadScreenName)
            )));
        }
    }
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|e| fail(e.to_string()))?;
    runtime.block_on(async {
        let store = AnyStore::open(&context.db)
            .await
            .map_err(|e| fail(e.to_string()))?;
        let now = jiff::Timestamp::now();
        match args.action {
            TokenAction::Add { screen } => {
                let (token, code) = new_secret()
                    .and_then(|t| Ok((t, new_secret()?)))
                    .map_err(|e| fail(format!("no random numbers from the system: {e}")))?;
                let added = store
                    .add_screen_token(&park, &screen, &sha256_hex(&token), &sha256_hex(&code), now)
                    .await
                    .map_err(|e| fail(e.to_string()))?;
                if added.is_none() {
                    return Err(bad(&format!(
                        "--screen {screen}: {}",
                        lang.text(Key::ScreenTaken)
                    )));
                }
                let action = Action {
                    action: "token_add".into(),
                    target: screen.clone(),
                    outcome: "ok".into(),
                    ..Action::default()
                };
                crate::audit::record(&store, &park, action)
                    .await
                    .map_err(|e| fail(format!("{}: {}", lang.text(Key::NotLogged), e.message)))?;
                let login_path = format!("/login?code={code}");
                if json {
                    crate::print_json(&Added {
                        screen: &screen,
                        token: &token,
                        login_path: &login_path,
                        created_s: now.as_second(),
                    });
                } else {
                    println!("{} {screen}", lang.text(Key::Screen));
                    println!("  {}: {token}", lang.text(Key::TokenShownOnce));
                    println!("  {}: {login_path}", lang.text(Key::OneTimeLink));
                    println!(
                        "  {}: Authorization: Bearer {token}",
                        lang.text(Key::BearerUse)
                    );
                }
                Ok(())
            }
            TokenAction::List => {
                let tokens = store
                    .screen_tokens(&park)
                    .await
                    .map_err(|e| fail(e.to_string()))?;
                if json {
                    let listed: Vec<Listed> = tokens
                        .into_iter()
                        .map(|t| Listed {
                            screen: t.screen,
                            created_s: t.created.as_second(),
                            revoked_s: t.revoked.map(|r| r.as_second()),
                            last_seen_s: t.last_seen.map(|r| r.as_second()),
                            link_pending: t.link_pending,
                        })
                        .collect();
                    crate::print_json(&listed);
                } else if tokens.is_empty() {
                    println!("{}", lang.text(Key::NoTokens));
                } else {
                    let t = |k| lang.text(k);
                    for token in tokens {
                        let state = match token.revoked {
                            Some(at) => format!("{} {at}", t(Key::RevokedAt)),
                            None => t(Key::Active).to_owned(),
                        };
                        let seen = token
                            .last_seen
                            .map_or_else(|| t(Key::Never).to_owned(), |at| at.to_string());
                        let link = if token.link_pending {
                            format!(", {}", t(Key::LinkUnused))
                        } else {
                            String::new()
                        };
                        println!(
                            "{}  {} {}, {state}, {} {seen}{link}",
                            token.screen,
                            t(Key::Created),
                            token.created,
                            t(Key::LastSeen)
                        );
                    }
                }
                Ok(())
            }
            TokenAction::Revoke { screen } => {
                let revoked = store
                    .revoke_screen_token(&park, &screen, now)
                    .await
                    .map_err(|e| fail(e.to_string()))?;
                if !revoked {
                    return Err(bad(&format!(
                        "--screen {screen}: {}",
                        lang.text(Key::NoSuchScreen)
                    )));
                }
                let action = Action {
                    action: "token_revoke".into(),
                    target: screen.clone(),
                    outcome: "ok".into(),
                    ..Action::default()
                };
                crate::audit::record(&store, &park, action)
                    .await
                    .map_err(|e| fail(format!("{}: {}", lang.text(Key::NotLogged), e.message)))?;
                if json {
                    crate::print_json(
                        &serde_json::json!({ "screen": screen, "revoked_s": now.as_second() }),
                    );
                } else {
                    println!(
                        "{} {screen}: {}",
                        lang.text(Key::Screen),
                        lang.text(Key::TokenRevoked)
                    );
                }
                Ok(())
            }
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn secrets_are_256_bit_hex_and_differ() {
        let (a, b) = (new_secret().expect("random"), new_secret().expect("random"));
        assert_eq!(a.len(), 64);
        assert!(a.bytes().all(|c| c.is_ascii_hexdigit()));
        assert_ne!(a, b);
    }

    #[test]
    fn the_stored_hash_is_sha256() {
        assert_eq!(
            sha256_hex("abc"),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
    }
}
