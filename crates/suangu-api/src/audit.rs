//! Audit entries from every console: who acted, in which role, from where, what, on what, and
//! how it ended, appended to the store's chained audit log (`suangu_store::audit`).
//!
//! Until consoles sign in with local accounts (`accounts`), a console's role is what it is built
//! to allow: a browser wall is a viewer, the window an operator, the CLI (which holds the
//! database's credentials) an admin; `who` is the operating-system user (or the wall screen's
//! token).

use crate::dto::{ApiError, ErrorCode};
use crate::live::{Live, store_error};
use suangu_store::Store;
use suangu_store::audit::{AuditEntry, AuditKey, key_path};

/// What a person may do: ordered, each allowing what the ones before it allow.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    Viewer,
    Operator,
    Admin,
}

impl Role {
    /// Every role, least allowed first.
    pub const ALL: [Role; 3] = [Role::Viewer, Role::Operator, Role::Admin];

    pub fn as_str(self) -> &'static str {
        match self {
            Role::Viewer => "viewer",
            Role::Operator => "operator",
            Role::Admin => "admin",
        }
    }

    /// Whether this role may do what `needed` may (an admin all an operator may, and so on).
    pub fn allows(self, needed: Role) -> bool {
        self >= needed
    }
}

impl std::fmt::Display for Role {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A role name that is not one of [`Role::ALL`].
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown role {0:?}: a role is viewer, operator or admin")]
pub struct UnknownRole(pub String);

impl std::str::FromStr for Role {
    type Err = UnknownRole;

    /// `viewer`, `operator` or `admin`, exactly as stored (no other spelling).
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Role::ALL
            .into_iter()
            .find(|r| r.as_str() == s)
            .ok_or_else(|| UnknownRole(s.to_owned()))
    }
}

/// One action as it goes into the log.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Action {
    pub action: String,
    pub target: String,
    pub before: String,
    pub after: String,
    pub reason: String,
    /// `ok`, or `refused: …` / `failed: …`.
    pub outcome: String,
}

/// A console's identity in the log, and the key its entries are chained with.
#[derive(Debug, Clone)]
pub struct Auditor {
    key: AuditKey,
    who: String,
    role: Role,
    console: String,
}

impl Auditor {
    /// The console `console` acting as `role` for the operating-system user, with the key at
    /// [`key_path`] (made there on first use).
    pub fn open(role: Role, console: &str) -> Result<Self, ApiError> {
        let key = AuditKey::load_or_create(&key_path()).map_err(|e| ApiError {
            code: ErrorCode::StoreUnavailable,
            message: e.to_string(),
            details: Vec::new(),
        })?;
        // A desktop launched without a login shell may have no USER: the home folder's name
        // is the account's.
        let who = ["USER", "USERNAME", "LOGNAME"]
            .iter()
            .find_map(|v| std::env::var(v).ok().filter(|s| !s.is_empty()))
            .or_else(|| {
                let home = std::path::PathBuf::from(std::env::var_os("HOME")?);
                Some(home.file_name()?.to_string_lossy().into_owned())
            })
            .unwrap_or_else(|| "unknown".to_owned());
        Ok(Self {
            key,
            who,
            role,
            console: console.to_owned(),
        })
    }

    /// The console `console` acting as `role` for `who`, with `key` (tests, and hosts that
    /// hold their key another way).
    pub fn with_key(key: AuditKey, who: &str, role: Role, console: &str) -> Self {
        Self {
            key,
            who: who.to_owned(),
            role,
            console: console.to_owned(),
        }
    }

    /// The person this console acts for.
    pub fn who(&self) -> &str {
        &self.who
    }

    /// The role this console acts in.
    pub fn role(&self) -> Role {
        self.role
    }

    /// The same console, acting for `who` in `role` (the person signed in at a window).
    pub fn acting_as(&self, who: &str, role: Role) -> Self {
        Self {
            who: who.to_owned(),
            role,
            ..self.clone()
        }
    }

    /// The same console, acting for `who` (e.g. a wall screen).
    pub fn acting_for(&self, who: String) -> Self {
        Self {
            who,
            ..self.clone()
        }
    }

    /// Append `action` to the audit log of `park_id`, stamped `at`.
    pub async fn record<S: Store>(
        &self,
        store: &S,
        park_id: &str,
        at: jiff::Timestamp,
        action: Action,
    ) -> Result<i64, ApiError> {
        let entry = AuditEntry {
            at,
            who: self.who.clone(),
            role: self.role.as_str().to_owned(),
            console: self.console.clone(),
            action: action.action,
            target: action.target,
            before: action.before,
            after: action.after,
            reason: action.reason,
            outcome: action.outcome,
        };
        store
            .append_audit(park_id, &entry, &self.key)
            .await
            .map_err(store_error)
    }
}

impl<S: Store + 'static> Live<S> {
    /// Append `action` to this park's audit log, stamped `at`: the host's wall clock (an audit
    /// entry is about when a person acted, not the twin's time).
    pub async fn audit(
        &self,
        auditor: &Auditor,
        at: jiff::Timestamp,
        action: Action,
    ) -> Result<i64, ApiError> {
        let park = self.engine().park();
        auditor
            .record(self.store(), &park.scenario().park.id, at, action)
            .await
    }
}
