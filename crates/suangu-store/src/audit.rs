//! The audit log: append-only rows (who, role, console, when, action, target, before, after,
//! reason, outcome), each chained to the one before by an HMAC-SHA256 whose key lives outside the
//! database (a key file). An edited, removed or reordered row breaks the chain, and
//! [`verify`] names the first row where it breaks. The database refuses UPDATE and DELETE on the
//! table (triggers); the chain catches what gets past them (a tamperer with the database's own
//! powers), as long as the key is kept elsewhere.
//!
//! Each row names the row before it (`prev`, unique per park): two writers appending at once
//! cannot both extend the same row, so the chain never forks; the loser retries on the new head.

use hmac::{KeyInit, Mac};
use jiff::Timestamp;
use std::path::{Path, PathBuf};

type HmacSha256 = hmac::Hmac<sha2::Sha256>;

/// One audited action, as a console records it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuditEntry {
    pub at: Timestamp,
    /// The person (an account, or the operating-system user of a console without accounts).
    pub who: String,
    /// viewer, operator or admin.
    pub role: String,
    /// Where from: `window`, `cli`, `serve <address>`.
    pub console: String,
    /// The command, e.g. `drill`, `token_revoke`.
    pub action: String,
    /// What it was done to (an asset, a screen).
    pub target: String,
    /// State before and after (JSON where structured; empty when none).
    pub before: String,
    pub after: String,
    pub reason: String,
    /// `ok`, or `refused: …` / `failed: …`.
    pub outcome: String,
}

/// A stored row: its id, the id of the row it follows (0 for the first), and its MAC.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuditRow {
    pub id: i64,
    pub prev: i64,
    pub entry: AuditEntry,
    /// HMAC-SHA256 (hex) of the previous row's MAC and this row's fields.
    pub mac: String,
}

/// The secret the chain is keyed with: 32 bytes from a file outside the database.
#[derive(Clone)]
pub struct AuditKey([u8; 32]);

impl std::fmt::Debug for AuditKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("AuditKey(..)")
    }
}

#[derive(Debug, thiserror::Error)]
pub enum KeyError {
    #[error("audit key {path}: {message}")]
    Io { path: PathBuf, message: String },
    #[error("audit key {path}: expected 32 bytes, found {found}")]
    Length { path: PathBuf, found: usize },
    #[error(
        "audit key {path}: no key there (the audit log cannot be checked without the key it was written with)"
    )]
    Missing { path: PathBuf },
}

/// Where the key is: `$SUANGU_AUDIT_KEY`, else `audit.key` in the OS configuration folder
/// (`~/.config/suangu/` on Linux), away from the data folder the database is in. Every console
/// writing to a shared database needs the same key file.
pub fn key_path() -> PathBuf {
    match std::env::var_os("SUANGU_AUDIT_KEY") {
        Some(path) if !path.is_empty() => PathBuf::from(path),
        _ => dirs::config_dir()
            .unwrap_or_else(std::env::temp_dir)
            .join("suangu")
            .join("audit.key"),
    }
}

impl AuditKey {
    pub fn from_bytes(bytes: [u8; 32]) -> Self {
        Self(bytes)
    }

    /// Read the key at `path`.
    pub fn load(path: &Path) -> Result<Self, KeyError> {
        let bytes = std::fs::read(path).map_err(|e| match e.kind() {
            std::io::ErrorKind::NotFound => KeyError::Missing {
                path: path.to_owned(),
            },
            _ => KeyError::Io {
                path: path.to_owned(),
                message: e.to_string(),
            },
        })?;
        let found = bytes.len();
        let key: [u8; 32] = bytes.try_into().map_err(|_| KeyError::Length {
            path: path.to_owned(),
            found,
        })?;
        Ok(Self(key))
    }

    /// Read the key at `path`, or make one there (random, readable by its owner only) when there
    /// is none yet.
    pub fn load_or_create(path: &Path) -> Result<Self, KeyError> {
        match Self::load(path) {
            Err(KeyError::Missing { .. }) => {}
            other => return other,
        }
        let io = |e: std::io::Error| KeyError::Io {
            path: path.to_owned(),
            message: e.to_string(),
        };
        let mut key = [0u8; 32];
        getrandom::fill(&mut key).map_err(|e| KeyError::Io {
            path: path.to_owned(),
            message: format!("no randomness: {e}"),
        })?;
        if let Some(dir) = path.parent() {
            std::fs::create_dir_all(dir).map_err(io)?;
        }
        let mut options = std::fs::OpenOptions::new();
        options.write(true).create_new(true);
        #[cfg(unix)]
        std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
        match options.open(path) {
            Ok(mut file) => {
                std::io::Write::write_all(&mut file, &key).map_err(io)?;
                file.sync_all().map_err(io)?;
                Ok(Self(key))
            }
            // Another console made it first: use theirs.
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => Self::load(path),
            Err(e) => Err(io(e)),
        }
    }
}

/// The MAC of a row: the previous row's MAC, then every field length-prefixed (so no two
/// different rows encode alike).
pub fn mac(key: &AuditKey, park: &str, prev: i64, prev_mac: &str, e: &AuditEntry) -> String {
    let mut m = <HmacSha256 as KeyInit>::new_from_slice(&key.0)
        .unwrap_or_else(|_| unreachable!("HMAC takes keys of any length"));
    let at_ms = e.at.as_millisecond().to_string();
    let prev = prev.to_string();
    for field in [
        prev_mac, park, &prev, &at_ms, &e.who, &e.role, &e.console, &e.action, &e.target,
        &e.before, &e.after, &e.reason, &e.outcome,
    ] {
        m.update(&(field.len() as u64).to_be_bytes());
        m.update(field.as_bytes());
    }
    m.finalize()
        .into_bytes()
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// Where the chain of `park` breaks first.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("audit log of {park}: row {id}: {problem}")]
pub struct Broken {
    pub park: String,
    pub id: i64,
    pub problem: String,
}

/// Check the rows of `park` (all of them, in id order): each follows the one before and carries
/// the MAC of its fields and the previous MAC. The number of rows checked, or the first break.
pub fn verify(park: &str, rows: &[AuditRow], key: &AuditKey) -> Result<usize, Broken> {
    let mut prev_id = 0;
    let mut prev_mac = String::new();
    for row in rows {
        let broken = |problem: String| Broken {
            park: park.to_owned(),
            id: row.id,
            problem,
        };
        if row.prev != prev_id {
            return Err(broken(if prev_id == 0 {
                format!("the first row follows row {}, which is not there", row.prev)
            } else {
                format!(
                    "follows row {}, but the row before it is {prev_id} (rows removed or reordered)",
                    row.prev
                )
            }));
        }
        if mac(key, park, row.prev, &prev_mac, &row.entry) != row.mac {
            return Err(broken(
                "its MAC does not match its fields (edited, or written with another key)".into(),
            ));
        }
        prev_id = row.id;
        prev_mac.clone_from(&row.mac);
    }
    Ok(rows.len())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entry(action: &str) -> AuditEntry {
        AuditEntry {
            at: Timestamp::from_second(1_775_000_000).expect("ts"),
            who: "duty".into(),
            role: "operator".into(),
            console: "window".into(),
            action: action.into(),
            target: "SS-330".into(),
            before: "{}".into(),
            after: "{\"tripped\":true}".into(),
            reason: "drill".into(),
            outcome: "ok".into(),
        }
    }

    fn chain(key: &AuditKey, n: i64) -> Vec<AuditRow> {
        let mut rows: Vec<AuditRow> = Vec::new();
        for id in 1..=n {
            let (prev, prev_mac) = rows
                .last()
                .map_or((0, String::new()), |r| (r.id, r.mac.clone()));
            let e = entry(&format!("action-{id}"));
            rows.push(AuditRow {
                id,
                prev,
                mac: mac(key, "qingyang", prev, &prev_mac, &e),
                entry: e,
            });
        }
        rows
    }

    #[test]
    fn an_intact_chain_verifies_and_any_change_breaks_it_where_it_is() {
        let key = AuditKey::from_bytes([7; 32]);
        let rows = chain(&key, 5);
        assert_eq!(verify("qingyang", &rows, &key), Ok(5));
        // An edited field.
        let mut edited = rows.clone();
        edited[2].entry.outcome = "refused".into();
        assert_eq!(verify("qingyang", &edited, &key).map_err(|b| b.id), Err(3));
        // A removed row.
        let mut removed = rows.clone();
        removed.remove(1);
        assert_eq!(verify("qingyang", &removed, &key).map_err(|b| b.id), Err(3));
        // Another key, or another park's rows.
        assert!(verify("qingyang", &rows, &AuditKey::from_bytes([8; 32])).is_err());
        assert!(verify("zhongwei", &rows, &key).is_err());
        // Fields cannot be shifted into each other.
        let mut shifted = rows.clone();
        shifted[0].entry.who = "dut".into();
        shifted[0].entry.role = "yoperator".into();
        assert_eq!(verify("qingyang", &shifted, &key).map_err(|b| b.id), Err(1));
    }

    #[test]
    fn a_key_is_made_once_and_read_back() {
        let dir = std::env::temp_dir().join(format!("suangu-audit-key-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        let path = dir.join("audit.key");
        assert!(matches!(
            AuditKey::load(&path),
            Err(KeyError::Missing { .. })
        ));
        let made = AuditKey::load_or_create(&path).expect("made");
        let again = AuditKey::load_or_create(&path).expect("read");
        assert_eq!(made.0, again.0);
        std::fs::write(&path, b"short").expect("write");
        assert!(matches!(
            AuditKey::load(&path),
            Err(KeyError::Length { found: 5, .. })
        ));
        let _ = std::fs::remove_dir_all(&dir);
    }
}
