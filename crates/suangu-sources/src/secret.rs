//! Credentials for the links, read where the configuration says they are kept: an environment
//! variable or the OS keyring (the Secret Service on Linux: gnome-keyring, KeePassXC...). Never
//! the configuration file, never the log.
//!
//! Keyring calls block on D-Bus, so they are made off the async runtime, and given up after
//! [`KEYRING_WAIT`]: a keyring that cannot be reached keeps the link backing off and retrying
//! (it may be unlocked later); a credential that is not there makes it misconfigured.

use crate::backoff;
use crate::health::{Health, Link};
use keyring::Entry;
use std::time::Duration;
use suangu_core::sources::{Credential, KEYRING_SERVICE};
use tokio::sync::watch;

/// Why the OS keyring did not give (or take) a credential.
#[derive(Debug, thiserror::Error)]
pub enum KeyringError {
    #[error(
        "no entry {name:?} in the OS keyring (service {KEYRING_SERVICE}): \
         store it with `suangu secret set {name}`"
    )]
    NoEntry { name: String },
    #[error(
        "the OS keyring could not be reached ({detail}): it needs a Secret Service, such as \
         gnome-keyring, running and unlocked on the session D-Bus"
    )]
    Unreachable { detail: String },
    #[error("the OS keyring entry {name:?} is unusable: {why}")]
    Unusable { name: String, why: Unusable },
}

/// Why an entry the keyring has cannot be used.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Unusable {
    #[error("what it holds is not UTF-8 text")]
    NotText,
    #[error("{0} entries match it; delete them and store it once")]
    Ambiguous(usize),
    #[error("{0}")]
    Other(String),
}

impl KeyringError {
    fn new(name: &str, e: keyring::Error) -> Self {
        let name = name.to_owned();
        match e {
            keyring::Error::NoEntry => KeyringError::NoEntry { name },
            keyring::Error::PlatformFailure(e) | keyring::Error::NoStorageAccess(e) => {
                KeyringError::Unreachable {
                    detail: e.to_string(),
                }
            }
            keyring::Error::BadEncoding(_) => KeyringError::Unusable {
                name,
                why: Unusable::NotText,
            },
            keyring::Error::Ambiguous(found) => KeyringError::Unusable {
                name,
                why: Unusable::Ambiguous(found.len()),
            },
            other => KeyringError::Unusable {
                name,
                why: Unusable::Other(other.to_string()),
            },
        }
    }
}

fn entry(name: &str) -> Result<Entry, KeyringError> {
    Entry::new(KEYRING_SERVICE, name).map_err(|e| KeyringError::new(name, e))
}

/// The secret kept in the OS keyring under `name`. Blocks on D-Bus.
pub fn keyring_get(name: &str) -> Result<String, KeyringError> {
    entry(name)?
        .get_password()
        .map_err(|e| KeyringError::new(name, e))
}

/// Keep `secret` in the OS keyring under `name`, replacing what was there. Blocks on D-Bus.
pub fn keyring_set(name: &str, secret: &str) -> Result<(), KeyringError> {
    entry(name)?
        .set_password(secret)
        .map_err(|e| KeyringError::new(name, e))
}

/// Remove the OS keyring's entry `name`. Blocks on D-Bus.
pub fn keyring_delete(name: &str) -> Result<(), KeyringError> {
    entry(name)?
        .delete_credential()
        .map_err(|e| KeyringError::new(name, e))
}

/// How long a keyring read may take. A locked keyring can wait for an unlock prompt that no one
/// on a headless server will answer; after this the read counts as unreachable, and is retried.
pub const KEYRING_WAIT: Duration = Duration::from_secs(10);

/// Why a credential could not be read.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Unread {
    /// Names the setting and the variable or entry, never a value.
    reason: String,
    /// The keyring could not be reached (not started, locked, slow): worth trying again. Else
    /// the configuration must change (an unset variable, an entry that holds nothing).
    retry: bool,
}

/// The `what` (`password`, `token`) that `credential` names. A keyring read runs on a thread of
/// its own, given up after [`KEYRING_WAIT`] (a D-Bus call cannot be cancelled; the thread ends
/// with the call or the process). The reason names the setting (`password_env`,
/// `token_keyring`...) and the variable or entry.
async fn read(what: &str, credential: Credential<'_>) -> Result<String, Unread> {
    let (field, kept_in) = match credential {
        Credential::Env(var) => (format!("{what}_env"), var),
        Credential::Keyring(name) => (format!("{what}_keyring"), name),
    };
    let fail = |e: &dyn std::fmt::Display, retry| Unread {
        reason: format!("{field} {kept_in}: {e}"),
        retry,
    };
    match credential {
        Credential::Env(var) => std::env::var(var).map_err(|e| match e {
            std::env::VarError::NotPresent => fail(&"the variable is not set", false),
            std::env::VarError::NotUnicode(_) => {
                fail(&"the variable's value is not UTF-8 text", false)
            }
        }),
        Credential::Keyring(name) => {
            let (tx, rx) = tokio::sync::oneshot::channel();
            let owned = name.to_owned();
            let spawned = std::thread::Builder::new()
                .name("keyring".to_owned())
                .spawn(move || {
                    let _ = tx.send(keyring_get(&owned));
                });
            if let Err(e) = spawned {
                return Err(fail(&format!("no thread to read the keyring: {e}"), true));
            }
            match tokio::time::timeout(KEYRING_WAIT, rx).await {
                Ok(Ok(Ok(secret))) => Ok(secret),
                Ok(Ok(Err(e))) => {
                    let retry = matches!(e, KeyringError::Unreachable { .. });
                    Err(fail(&e, retry))
                }
                Ok(Err(_)) => Err(fail(&"the keyring read stopped", true)),
                Err(_) => Err(fail(
                    &format!(
                        "the OS keyring did not answer within {} s (locked, waiting for an \
                         unlock prompt?)",
                        KEYRING_WAIT.as_secs()
                    ),
                    true,
                )),
            }
        }
    }
}

/// The credential for a link, read as [`read`] does; while the keyring cannot be reached the
/// link is backing off (the reason in `health`) and the read is tried again after a capped,
/// jittered wait. `None` once `stop` turns true (the link is then stopped), or when the
/// configuration must change (misconfigured).
pub async fn obtain(
    what: &str,
    credential: Credential<'_>,
    source: &str,
    health: &Health,
    stop: &mut watch::Receiver<bool>,
) -> Option<String> {
    let mut attempt = 0u32;
    loop {
        let unread = tokio::select! {
            _ = stop.wait_for(|s| *s) => {
                health.link(Link::Stopped);
                return None;
            }
            read = read(what, credential) => match read {
                Ok(secret) => return Some(secret),
                Err(unread) => unread,
            },
        };
        if !unread.retry {
            tracing::error!(source, "{}", unread.reason);
            health.link(Link::Misconfigured {
                reason: unread.reason,
            });
            return None;
        }
        let wait = backoff::delay(attempt, backoff::random_unit());
        tracing::warn!(source, retry_in_ms = wait.as_millis(), "{}", unread.reason);
        health.link(Link::BackingOff {
            attempt,
            retry_in_ms: u64::try_from(wait.as_millis()).unwrap_or(u64::MAX),
            error: unread.reason,
        });
        attempt = attempt.saturating_add(1);
        tokio::select! {
            _ = stop.wait_for(|s| *s) => {
                health.link(Link::Stopped);
                return None;
            }
            () = tokio::time::sleep(wait) => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn an_unset_variable_is_named_with_its_field() {
        let var = "SUANGU_TEST_SECRET_NEVER_SET_7d1f";
        let unread = read("password", Credential::Env(var))
            .await
            .expect_err("unset");
        assert_eq!(
            unread,
            Unread {
                reason: format!("password_env {var}: the variable is not set"),
                retry: false,
            }
        );
    }

    #[test]
    fn keyring_errors_say_what_to_do() {
        let missing = KeyringError::new("mqtt-park", keyring::Error::NoEntry).to_string();
        assert!(
            missing.contains("\"mqtt-park\"") && missing.contains("suangu secret set mqtt-park"),
            "{missing}"
        );
        let unreachable = KeyringError::new(
            "mqtt-park",
            keyring::Error::NoStorageAccess("locked".into()),
        )
        .to_string();
        assert!(
            unreachable.contains("locked") && unreachable.contains("Secret Service"),
            "{unreachable}"
        );
        let binary = KeyringError::new("x", keyring::Error::BadEncoding(vec![0xff])).to_string();
        assert!(binary.contains("not UTF-8"), "{binary}");
    }
}
