//! Credentials for the links, read where the configuration says they are kept: an environment
//! variable or the OS keyring (the Secret Service on Linux: gnome-keyring, KeePassXC...). Never
//! the configuration file, never the log.
//!
//! Keyring calls block on D-Bus, so the connectors make them off the async runtime.

use keyring::Entry;
use suangu_core::sources::{Credential, KEYRING_SERVICE};

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
    #[error("the OS keyring entry {name:?} is unusable: {detail}")]
    Unusable { name: String, detail: String },
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
                detail: "what it holds is not UTF-8 text".to_owned(),
            },
            keyring::Error::Ambiguous(found) => KeyringError::Unusable {
                name,
                detail: format!(
                    "{} entries match it; delete them and store it once",
                    found.len()
                ),
            },
            other => KeyringError::Unusable {
                name,
                detail: other.to_string(),
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

/// The `what` (`password`, `token`) that `credential` names, read off the async runtime. When it
/// cannot be read, the reason names the setting (`password_env`, `token_keyring`...) for the
/// source's health: the link is then misconfigured.
pub async fn read(what: &str, credential: Credential<'_>) -> Result<String, String> {
    let field = match credential {
        Credential::Env(_) => format!("{what}_env"),
        Credential::Keyring(_) => format!("{what}_keyring"),
    };
    match credential {
        Credential::Env(var) => std::env::var(var).map_err(|e| match e {
            std::env::VarError::NotPresent => format!("{field} {var}: the variable is not set"),
            std::env::VarError::NotUnicode(_) => {
                format!("{field} {var}: the variable's value is not UTF-8 text")
            }
        }),
        Credential::Keyring(name) => {
            let owned = name.to_owned();
            let read = tokio::task::spawn_blocking(move || keyring_get(&owned)).await;
            match read {
                Ok(Ok(secret)) => Ok(secret),
                Ok(Err(e)) => Err(format!("{field} {name}: {e}")),
                Err(e) => Err(format!("{field} {name}: the keyring read stopped: {e}")),
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn an_unset_variable_is_named_with_its_field() {
        let var = "SUANGU_TEST_SECRET_NEVER_SET_7d1f";
        let reason = read("password", Credential::Env(var))
            .await
            .expect_err("unset");
        assert_eq!(
            reason,
            format!("password_env {var}: the variable is not set")
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
