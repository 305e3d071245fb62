//! `suangu user`: local accounts (`suangu_api::accounts`) in the store `--db` names: add, list,
//! passwd, disable, enable, role, and check (a sign-in, exit 0 or 1). A password is typed twice
//! on the terminal without echo, or read as one line from stdin with `--password-stdin`; it is
//! never printed, and only its Argon2id hash is stored. Every change, and every check, is
//! written to the park's audit log.

use crate::common::{Context, ExitCode};
use crate::i18n::{Key, Lang};
use clap::{Args, Subcommand};
use std::io::{IsTerminal, Read};
use suangu_api::accounts::{self, AccountError, MAX_PASSWORD_BYTES, UserInfo};
use suangu_api::audit::{Action, Auditor, Role};
use suangu_api::dto::ErrorCode;
use suangu_store::AnyStore;

#[derive(Args, Debug)]
pub struct UserArgs {
    #[command(subcommand)]
    action: UserAction,
}

#[derive(Subcommand, Debug)]
enum UserAction {
    /// Add an account. The password is asked twice on the terminal, without echo (or read as
    /// one line from stdin with --password-stdin).
    Add {
        /// 1 to 64 letters, digits, '.', '_', '-' or '@'.
        name: String,
        /// viewer, operator or admin.
        #[arg(long, value_name = "ROLE")]
        role: String,
        /// Read the password as one line from stdin instead of the terminal.
        #[arg(long)]
        password_stdin: bool,
    },
    /// Every account: name, role, disabled, created and changed (never a password or a hash).
    List,
    /// Give an account a new password.
    Passwd {
        name: String,
        #[arg(long)]
        password_stdin: bool,
    },
    /// Disable an account: it can no longer sign in (it is kept, and its name stays taken).
    Disable { name: String },
    /// Enable a disabled account again.
    Enable { name: String },
    /// Give an account another role.
    Role {
        name: String,
        #[arg(long, value_name = "ROLE")]
        role: String,
    },
    /// Sign in as a console would: exit 0 with the account's role, 1 when the name or the
    /// password is wrong or the account disabled (one answer for all three). Audited.
    Check {
        name: String,
        #[arg(long)]
        password_stdin: bool,
    },
}

/// Words for an [`AccountError`], and its exit code.
fn account_error(e: &AccountError, lang: Lang) -> ExitCode {
    let t = |k| lang.text(k);
    match e {
        AccountError::Store(message) => {
            eprintln!("{}: {message}", t(Key::Failure));
            return ExitCode::Failure;
        }
        AccountError::BadName(name) => {
            eprintln!("{}: {name:?}: {}", t(Key::BadInput), t(Key::BadUserName))
        }
        AccountError::PasswordTooShort(chars) => eprintln!(
            "{}: {} ({chars})",
            t(Key::BadInput),
            t(Key::PasswordTooShort)
        ),
        AccountError::PasswordTooLong(bytes) => eprintln!(
            "{}: {} ({bytes})",
            t(Key::BadInput),
            t(Key::PasswordTooLong)
        ),
        AccountError::NameTaken(name) => {
            eprintln!("{}: {name}: {}", t(Key::BadInput), t(Key::UserTaken));
        }
        AccountError::NoSuchUser(name) => {
            eprintln!("{}: {name}: {}", t(Key::BadInput), t(Key::NoSuchUser));
        }
    }
    ExitCode::BadInput
}

fn parse_role(role: &str, lang: Lang) -> Result<Role, ExitCode> {
    role.parse().map_err(|_| {
        eprintln!(
            "{}: --role {role:?}: {}",
            lang.text(Key::BadInput),
            lang.text(Key::UnknownRole)
        );
        ExitCode::BadInput
    })
}

/// One line of stdin (the newline that ends it is not part of the password), read no further
/// than just past `max_bytes`: a longer one comes back longer than that, for the caller to refuse.
/// `(one_line, not_text)` word the two refusals (a password's, a secret's).
pub(crate) fn password_from_stdin(
    max_bytes: usize,
    (one_line, not_text): (Key, Key),
    lang: Lang,
) -> Result<String, ExitCode> {
    let bad = |key| {
        eprintln!(
            "{}: --password-stdin: {}",
            lang.text(Key::BadInput),
            lang.text(key)
        );
        ExitCode::BadInput
    };
    let mut bytes = Vec::new();
    // The longest password, its line end, and one byte more to tell it was longer.
    let limit = u64::try_from(max_bytes + 3).unwrap_or(u64::MAX);
    std::io::stdin()
        .lock()
        .take(limit)
        .read_to_end(&mut bytes)
        .map_err(|e| {
            eprintln!("{}: --password-stdin: {e}", lang.text(Key::Failure));
            ExitCode::Failure
        })?;
    if bytes.ends_with(b"\n") {
        bytes.pop();
        if bytes.ends_with(b"\r") {
            bytes.pop();
        }
    }
    if bytes.contains(&b'\n') || bytes.contains(&b'\r') {
        return Err(bad(one_line));
    }
    String::from_utf8(bytes).map_err(|_| bad(not_text))
}

/// A check of a typed password before it is asked again (a refused one is not typed twice).
pub(crate) type Check<'a> = &'a dyn Fn(&str) -> Result<(), ExitCode>;

/// The password typed on the terminal without echo, asked with `prompt` and `name`; when
/// `confirm`, `check`ed and then asked again with `again`.
pub(crate) fn password_from_terminal(
    name: &str,
    (prompt, again): (Key, Key),
    confirm: Option<Check<'_>>,
    lang: Lang,
) -> Result<String, ExitCode> {
    let term = console::Term::stderr();
    if !std::io::stdin().is_terminal() || !term.is_term() {
        eprintln!(
            "{}: {}",
            lang.text(Key::BadInput),
            lang.text(Key::NoTerminal)
        );
        return Err(ExitCode::BadInput);
    }
    let ask = |key| {
        eprint!("{} {name}: ", lang.text(key));
        term.read_secure_line().map_err(|e| {
            eprintln!("{}: {e}", lang.text(Key::Failure));
            ExitCode::Failure
        })
    };
    let first = ask(prompt)?;
    if let Some(check) = confirm {
        // Checked before it is typed again: a refused password need not be typed twice.
        check(&first)?;
        if ask(again)? != first {
            eprintln!(
                "{}: {}",
                lang.text(Key::BadInput),
                lang.text(Key::PasswordsDiffer)
            );
            return Err(ExitCode::BadInput);
        }
    }
    Ok(first)
}

fn read_password(name: &str, stdin: bool, confirm: bool, lang: Lang) -> Result<String, ExitCode> {
    let check =
        |password: &str| accounts::check_password(password).map_err(|e| account_error(&e, lang));
    if stdin {
        password_from_stdin(
            MAX_PASSWORD_BYTES,
            (Key::PasswordOneLine, Key::PasswordNotUtf8),
            lang,
        )
    } else {
        password_from_terminal(
            name,
            (Key::PasswordPrompt, Key::PasswordAgain),
            confirm.then_some(&check as Check<'_>),
            lang,
        )
    }
}

fn print_user(user: &UserInfo, lang: Lang) {
    let t = |k| lang.text(k);
    let state = if user.disabled {
        t(Key::UserDisabledWord)
    } else {
        t(Key::Active)
    };
    let at =
        |s: i64| jiff::Timestamp::from_second(s).map_or_else(|_| s.to_string(), |t| t.to_string());
    println!(
        "{}  {} {}, {state}, {} {}, {} {}",
        user.name,
        t(Key::RoleWord),
        user.role,
        t(Key::Created),
        at(user.created_s),
        t(Key::Changed),
        at(user.updated_s)
    );
}

pub fn run(args: UserArgs, context: &Context, json: bool, lang: Lang) -> Result<(), ExitCode> {
    let fail = |message: String| {
        eprintln!("{}: {message}", lang.text(Key::Failure));
        ExitCode::Failure
    };
    // Everything that can be refused without the store is refused first, before a password
    // is asked for.
    match &args.action {
        UserAction::Add { name, role, .. } => {
            accounts::check_name(name).map_err(|e| account_error(&e, lang))?;
            parse_role(role, lang)?;
        }
        UserAction::Role { role, .. } => {
            parse_role(role, lang)?;
        }
        _ => {}
    }
    let password = match &args.action {
        UserAction::Add {
            name,
            password_stdin,
            ..
        }
        | UserAction::Passwd {
            name,
            password_stdin,
        } => {
            let password = read_password(name, *password_stdin, true, lang)?;
            accounts::check_password(&password).map_err(|e| account_error(&e, lang))?;
            Some(password)
        }
        UserAction::Check {
            name,
            password_stdin,
        } => Some(read_password(name, *password_stdin, false, lang)?),
        _ => None,
    };
    // The audit log is the park's: the one the scenario names.
    let park = match &args.action {
        UserAction::List => None,
        _ => Some(context.open_park(json)?.park().scenario().park.id.clone()),
    };
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|e| fail(e.to_string()))?;
    runtime.block_on(async {
        let store = AnyStore::open(&context.db)
            .await
            .map_err(|e| fail(e.to_string()))?;
        let now = jiff::Timestamp::now();
        let park = park.unwrap_or_default();
        let password = password.unwrap_or_default();
        let audit = |action: &str, target: &str, after: String| Action {
            action: action.to_owned(),
            target: target.to_owned(),
            after,
            outcome: "ok".to_owned(),
            ..Action::default()
        };
        let record = |action: Action| {
            let store = &store;
            let park = &park;
            async move {
                crate::audit::record(store, park, action)
                    .await
                    .map(drop)
                    .map_err(|e| fail(format!("{}: {}", lang.text(Key::NotLogged), e.message)))
            }
        };
        match args.action {
            UserAction::Add { name, role, .. } => {
                let role = parse_role(&role, lang)?;
                let user = accounts::add_user(&store, &name, role, &password, now)
                    .await
                    .map_err(|e| account_error(&e, lang))?;
                record(audit("user_add", &name, format!("role={role}"))).await?;
                if json {
                    crate::print_json(&user);
                } else {
                    println!("{} {name} ({role})", lang.text(Key::UserAdded));
                }
            }
            UserAction::List => {
                let users = accounts::list_users(&store)
                    .await
                    .map_err(|e| account_error(&e, lang))?;
                if json {
                    crate::print_json(&users);
                } else if users.is_empty() {
                    println!("{}", lang.text(Key::NoUsers));
                } else {
                    for user in &users {
                        print_user(user, lang);
                    }
                }
            }
            UserAction::Passwd { name, .. } => {
                accounts::set_password(&store, &name, &password, now)
                    .await
                    .map_err(|e| account_error(&e, lang))?;
                record(audit("user_passwd", &name, String::new())).await?;
                if json {
                    crate::print_json(
                        &serde_json::json!({ "name": name, "updated_s": now.as_second() }),
                    );
                } else {
                    println!("{name}: {}", lang.text(Key::PasswordChanged));
                }
            }
            UserAction::Disable { name } => {
                accounts::set_disabled(&store, &name, true, now)
                    .await
                    .map_err(|e| account_error(&e, lang))?;
                record(audit("user_disable", &name, "disabled".to_owned())).await?;
                if json {
                    crate::print_json(&serde_json::json!({ "name": name, "disabled": true }));
                } else {
                    println!("{name}: {}", lang.text(Key::UserDisabled));
                }
            }
            UserAction::Enable { name } => {
                accounts::set_disabled(&store, &name, false, now)
                    .await
                    .map_err(|e| account_error(&e, lang))?;
                record(audit("user_enable", &name, "enabled".to_owned())).await?;
                if json {
                    crate::print_json(&serde_json::json!({ "name": name, "disabled": false }));
                } else {
                    println!("{name}: {}", lang.text(Key::UserEnabled));
                }
            }
            UserAction::Role { name, role } => {
                let role = parse_role(&role, lang)?;
                accounts::set_role(&store, &name, role, now)
                    .await
                    .map_err(|e| account_error(&e, lang))?;
                record(audit("user_role", &name, format!("role={role}"))).await?;
                if json {
                    crate::print_json(&serde_json::json!({ "name": name, "role": role }));
                } else {
                    println!("{name}: {} {role}", lang.text(Key::RoleChanged));
                }
            }
            UserAction::Check { name, .. } => {
                let auditor = Auditor::open(Role::Admin, "cli").map_err(|e| fail(e.message))?;
                let signed_in =
                    accounts::sign_in_recorded(&store, &auditor, &park, now, &name, &password)
                        .await;
                match signed_in {
                    Ok(account) => {
                        if json {
                            crate::print_json(&account);
                        } else {
                            println!(
                                "{} {} ({})",
                                lang.text(Key::SignedIn),
                                account.name,
                                account.role
                            );
                        }
                    }
                    Err(e) if matches!(e.code, ErrorCode::BadArguments | ErrorCode::Throttled) => {
                        if json {
                            crate::print_json(&e);
                        }
                        let key = if e.code == ErrorCode::Throttled {
                            Key::SignInThrottled
                        } else {
                            Key::SignInRefused
                        };
                        eprintln!("{}", lang.text(key));
                        return Err(ExitCode::Failure);
                    }
                    Err(e) => {
                        if json {
                            crate::print_json(&e);
                        }
                        return Err(fail(e.message));
                    }
                }
            }
        }
        Ok(())
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use suangu_api::accounts::MIN_PASSWORD_CHARS;

    #[test]
    fn the_words_state_the_limits_the_api_holds() {
        for lang in [Lang::En, Lang::Zh] {
            assert!(
                lang.text(Key::PasswordTooShort)
                    .contains(&MIN_PASSWORD_CHARS.to_string())
            );
            assert!(
                lang.text(Key::PasswordTooLong)
                    .contains(&MAX_PASSWORD_BYTES.to_string())
            );
            assert!(lang.text(Key::NoTerminal).contains("--password-stdin"));
            for role in Role::ALL {
                assert!(lang.text(Key::UnknownRole).contains(role.as_str()));
            }
        }
    }
}
