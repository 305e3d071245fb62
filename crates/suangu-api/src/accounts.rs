//! Local accounts (issue 11): people with a name, a role (viewer, operator, admin) and a
//! password, kept in the store's `users` table.
//!
//! Passwords are hashed with Argon2id at the parameters the OWASP Password Storage Cheat Sheet
//! recommends (19 MiB of memory, 2 passes, 1 lane), each with a 16-byte salt from the operating
//! system's random numbers, and stored as PHC strings (`$argon2id$v=19$m=19456,t=2,p=1$...`).
//!
//! Invariants: a password is never stored, returned, printed or logged, and a hash never leaves
//! the store except to be verified here ([`UserInfo`] has no hash). [`sign_in`] answers the same
//! error, after the same work, whether the name is unknown, the account disabled or the
//! password wrong: an unknown or disabled account is verified against [`DECOY_PHC`], so the
//! time taken does not tell which names exist. The hashing runs on tokio's blocking pool
//! (about 20 ms to 50 ms of CPU each), never on a runtime thread.

use crate::audit::{Action, Auditor, Role};
use crate::dto::{ApiError, ErrorCode};
use crate::live::store_error;
use argon2::{Algorithm, Argon2, Params, PasswordHash, PasswordHasher, PasswordVerifier, Version};
use serde::Serialize;
use suangu_store::{Store, StoreError, User};

/// The shortest password, in characters (so a passphrase in Chinese counts as many as in
/// English).
pub const MIN_PASSWORD_CHARS: usize = 12;
/// The longest password, in bytes of UTF-8.
pub const MAX_PASSWORD_BYTES: usize = 1024;
/// The longest user name, in characters.
pub const MAX_NAME_CHARS: usize = 64;
/// The one answer to a refused sign-in, whatever the reason.
pub const SIGN_IN_REFUSED: &str = "name or password wrong";
/// Refused sign-ins of one name in a row (since its last success, within
/// [`THROTTLE_WINDOW_S`]) that cost nothing more; after them each attempt waits
/// [`THROTTLE_WAIT_S`] after the last refusal. A wait, not a lockout: whoever types wrong
/// passwords at a console cannot lock the operator out during an incident, only slow a guesser
/// to two tries a minute.
pub const FREE_FAILURES: usize = 5;
pub const THROTTLE_WAIT_S: i64 = 30;
pub const THROTTLE_WINDOW_S: i64 = 15 * 60;

/// Argon2id's memory in KiB, passes and lanes: OWASP's first recommended configuration
/// (m = 19 MiB, t = 2, p = 1), which is also the argon2 crate's default.
const M_COST_KIB: u32 = 19 * 1024;
const T_COST: u32 = 2;
const P_COST: u32 = 1;

/// A hash made with the same parameters as every new hash, of a random password nobody kept:
/// what an unknown or disabled account is verified against, so that it takes as long as a real
/// account. A unit test holds its parameters to the ones above.
pub const DECOY_PHC: &str = "$argon2id$v=19$m=19456,t=2,p=1$GCis2JVWaCejeCPkeF3hOA$JWMJYtlnVB62TWERu/qwUHINqXrJ6tcZ7JTiNwsqLHo";

/// A person signed in.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Account {
    pub name: String,
    pub role: Role,
}

/// An account as listed: never its hash.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct UserInfo {
    pub name: String,
    pub role: Role,
    pub disabled: bool,
    pub created_s: i64,
    pub updated_s: i64,
}

/// Why an account could not be added, changed or listed. Hosts word it in their language
/// (the CLI does, in zh-CN and English); as an [`ApiError`] it is `bad_arguments` but for
/// [`AccountError::Store`], which is `store_unavailable`.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum AccountError {
    #[error("user name {0:?}: a name is 1 to 64 characters: letters, digits, '.', '_', '-' or '@'")]
    BadName(String),
    /// The password's length in characters.
    #[error("the password is too short: {0} characters, at least 12 are needed")]
    PasswordTooShort(usize),
    /// The password's length in bytes.
    #[error("the password is too long: {0} bytes, at most 1024")]
    PasswordTooLong(usize),
    #[error("user {0:?} already exists")]
    NameTaken(String),
    #[error("no user {0:?}")]
    NoSuchUser(String),
    /// The store could not be read or written, or the system gave no random numbers.
    #[error("{0}")]
    Store(String),
}

impl From<AccountError> for ApiError {
    fn from(e: AccountError) -> Self {
        let code = match e {
            AccountError::Store(_) => ErrorCode::StoreUnavailable,
            _ => ErrorCode::BadArguments,
        };
        ApiError {
            code,
            message: e.to_string(),
            details: Vec::new(),
        }
    }
}

impl From<StoreError> for AccountError {
    fn from(e: StoreError) -> Self {
        match e {
            StoreError::UserExists { name } => AccountError::NameTaken(name),
            StoreError::NoSuchUser { name } => AccountError::NoSuchUser(name),
            other => AccountError::Store(other.to_string()),
        }
    }
}

fn refused() -> ApiError {
    ApiError {
        code: ErrorCode::BadArguments,
        message: SIGN_IN_REFUSED.to_owned(),
        details: Vec::new(),
    }
}

/// A user name: 1 to 64 characters, letters (any script), digits, `.`, `_`, `-` and `@`.
pub fn check_name(name: &str) -> Result<(), AccountError> {
    let chars = name.chars().count();
    let allowed = |c: char| c.is_alphanumeric() || matches!(c, '.' | '_' | '-' | '@');
    if (1..=MAX_NAME_CHARS).contains(&chars) && name.chars().all(allowed) {
        Ok(())
    } else {
        Err(AccountError::BadName(name.to_owned()))
    }
}

/// A new password: at least 12 characters, at most 1,024 bytes. Nothing else is asked of it
/// (a long passphrase is better than rules about symbols).
pub fn check_password(password: &str) -> Result<(), AccountError> {
    let chars = password.chars().count();
    if chars < MIN_PASSWORD_CHARS {
        return Err(AccountError::PasswordTooShort(chars));
    }
    if password.len() > MAX_PASSWORD_BYTES {
        return Err(AccountError::PasswordTooLong(password.len()));
    }
    Ok(())
}

fn hasher() -> Result<Argon2<'static>, AccountError> {
    let params = Params::new(M_COST_KIB, T_COST, P_COST, None)
        .map_err(|e| AccountError::Store(format!("Argon2 parameters: {e}")))?;
    Ok(Argon2::new(Algorithm::Argon2id, Version::V0x13, params))
}

/// The Argon2id hash of `password` as a PHC string, with a fresh salt from the operating
/// system; the password is checked against the rules first. CPU-heavy: call it off async
/// threads (the functions below do).
pub fn hash_password(password: &str) -> Result<String, AccountError> {
    check_password(password)?;
    let hash = hasher()?
        .hash_password(password.as_bytes())
        .map_err(|e| AccountError::Store(format!("cannot hash the password: {e}")))?;
    Ok(hash.to_string())
}

/// Does `password` match the PHC string `phc`? A malformed hash matches nothing. The
/// comparison is the argon2 crate's, in constant time.
pub fn verify_password(phc: &str, password: &str) -> bool {
    let Ok(parsed) = PasswordHash::new(phc) else {
        return false;
    };
    // The parameters come from the hash itself, so hashes made with other ones still verify.
    Argon2::default()
        .verify_password(password.as_bytes(), &parsed)
        .is_ok()
}

/// Run CPU-heavy work on tokio's blocking pool.
async fn blocking<T: Send + 'static>(
    work: impl FnOnce() -> T + Send + 'static,
) -> Result<T, AccountError> {
    tokio::task::spawn_blocking(work)
        .await
        .map_err(|e| AccountError::Store(format!("password hashing stopped: {e}")))
}

fn parse_role(user: &User) -> Result<Role, AccountError> {
    user.role.parse().map_err(|e| {
        AccountError::Store(format!(
            "user {:?} has a role this version does not know: {e}",
            user.name
        ))
    })
}

fn info(user: &User) -> Result<UserInfo, AccountError> {
    Ok(UserInfo {
        name: user.name.clone(),
        role: parse_role(user)?,
        disabled: user.disabled,
        created_s: user.created.as_second(),
        updated_s: user.updated.as_second(),
    })
}

/// Add the account `name` with `role` and `password` (checked, then hashed), made at `at`. A
/// name already taken (disabled accounts included) is [`AccountError::NameTaken`].
pub async fn add_user<S: Store>(
    store: &S,
    name: &str,
    role: Role,
    password: &str,
    at: jiff::Timestamp,
) -> Result<UserInfo, AccountError> {
    check_name(name)?;
    check_password(password)?;
    let password = password.to_owned();
    let password_phc = blocking(move || hash_password(&password)).await??;
    let user = User {
        name: name.to_owned(),
        role: role.as_str().to_owned(),
        password_phc,
        disabled: false,
        created: at,
        updated: at,
    };
    store.add_user(&user).await.map_err(AccountError::from)?;
    info(&user)
}

/// Every account, by name, without hashes.
pub async fn list_users<S: Store>(store: &S) -> Result<Vec<UserInfo>, AccountError> {
    let users = store.users().await?;
    users.iter().map(info).collect()
}

/// Give `name` a new password (checked, then hashed). An unknown name is
/// [`AccountError::NoSuchUser`].
pub async fn set_password<S: Store>(
    store: &S,
    name: &str,
    password: &str,
    at: jiff::Timestamp,
) -> Result<(), AccountError> {
    check_password(password)?;
    let password = password.to_owned();
    let password_phc = blocking(move || hash_password(&password)).await??;
    store
        .set_user_password(name, &password_phc, at)
        .await
        .map_err(AccountError::from)
}

/// Disable `name` (it can no longer sign in; the account and its name are kept), or enable it
/// again. An unknown name is [`AccountError::NoSuchUser`].
pub async fn set_disabled<S: Store>(
    store: &S,
    name: &str,
    disabled: bool,
    at: jiff::Timestamp,
) -> Result<(), AccountError> {
    store
        .set_user_disabled(name, disabled, at)
        .await
        .map_err(AccountError::from)
}

/// Give `name` another role. An unknown name is [`AccountError::NoSuchUser`].
pub async fn set_role<S: Store>(
    store: &S,
    name: &str,
    role: Role,
    at: jiff::Timestamp,
) -> Result<(), AccountError> {
    store
        .set_user_role(name, role.as_str(), at)
        .await
        .map_err(AccountError::from)
}

/// Who acts at a desktop console, and in which role.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Person {
    pub name: String,
    pub role: Role,
    /// Someone signed in (rather than the console's default person).
    pub signed_in: bool,
    /// The store has accounts: the console's default person is then a viewer.
    pub accounts: bool,
}

/// The person acting at a desktop console: `signed_in` as the store has that account now (its
/// current role; disabled or removed since, nobody); nobody signed in, the operating-system
/// user `os_user` — an operator where the store has no accounts (a single-user desktop, as
/// before accounts existed), a viewer where it has (then changing anything needs a sign-in).
pub async fn person_at_console<S: Store>(
    store: &S,
    signed_in: Option<&Account>,
    os_user: &str,
) -> Result<Person, ApiError> {
    if let Some(account) = signed_in {
        let user = store.user(&account.name).await.map_err(store_error)?;
        if let Some(user) = user.filter(|u| !u.disabled) {
            return Ok(Person {
                role: parse_role(&user).map_err(ApiError::from)?,
                name: user.name,
                signed_in: true,
                accounts: true,
            });
        }
    }
    let accounts = !store.users().await.map_err(store_error)?.is_empty();
    Ok(Person {
        name: os_user.to_owned(),
        role: if accounts {
            Role::Viewer
        } else {
            Role::Operator
        },
        signed_in: false,
        accounts,
    })
}

/// Sign `name` in with `password`: the account, or `bad_arguments` "name or password wrong"
/// for an unknown name, a disabled account or a wrong password alike, each after one Argon2
/// verification (against [`DECOY_PHC`] when there is no usable account). A store that cannot
/// be read is `store_unavailable`.
pub async fn sign_in<S: Store>(store: &S, name: &str, password: &str) -> Result<Account, ApiError> {
    sign_in_with(store, name, password, verify_password).await
}

/// [`sign_in`] with the verification given (tests watch which hash it is asked about).
async fn sign_in_with<S: Store>(
    store: &S,
    name: &str,
    password: &str,
    verify: fn(&str, &str) -> bool,
) -> Result<Account, ApiError> {
    // A name that cannot exist, or a password no account can have, is looked up nowhere, but
    // it still costs a verification.
    let plausible = check_name(name).is_ok() && password.len() <= MAX_PASSWORD_BYTES;
    let user = if plausible {
        store.user(name).await.map_err(store_error)?
    } else {
        None
    };
    let user = user.filter(|u| !u.disabled);
    let phc = user
        .as_ref()
        .map_or_else(|| DECOY_PHC.to_owned(), |u| u.password_phc.clone());
    let password = if plausible {
        password.to_owned()
    } else {
        String::new()
    };
    let matched = blocking(move || verify(&phc, &password))
        .await
        .map_err(ApiError::from)?;
    match user {
        Some(user) if matched => Ok(Account {
            role: parse_role(&user).map_err(ApiError::from)?,
            name: user.name,
        }),
        _ => Err(refused()),
    }
}

/// Until when sign-ins of a name wait, from its recent sign-ins (when, outcome; as written)
/// at `at`: [`FREE_FAILURES`] refusals after its last success make the next attempt wait until
/// [`THROTTLE_WAIT_S`] after the last refusal. Attempts refused for waiting are not refusals of
/// the password and extend nothing. Pure.
pub fn throttled_until(
    recent: &[(jiff::Timestamp, String)],
    at: jiff::Timestamp,
) -> Option<jiff::Timestamp> {
    let wrong = format!("refused: {SIGN_IN_REFUSED}");
    let since_ok = recent
        .iter()
        .rposition(|(_, outcome)| outcome == "ok")
        .map_or(recent, |i| &recent[i + 1..]);
    let refusals: Vec<jiff::Timestamp> = since_ok
        .iter()
        .filter(|(_, outcome)| *outcome == wrong)
        .map(|(when, _)| *when)
        .collect();
    let last = *refusals.last()?;
    let until = last + jiff::SignedDuration::from_secs(THROTTLE_WAIT_S);
    (refusals.len() >= FREE_FAILURES && at < until).then_some(until)
}

/// [`sign_in`], recorded in the audit log of `park_id` by the console `auditor` at `at`
/// (action `sign_in`, the name asked for as target, the role granted after, `ok` or
/// `refused: name or password wrong`). A sign-in that cannot be recorded is refused with the
/// log's error; a refused one is refused either way. After [`FREE_FAILURES`] refusals of a name
/// the next waits ([`throttled_until`]; answered `throttled` without verifying, recorded as
/// `refused: throttled`) — across every console of the store, since it reads the audit log.
pub async fn sign_in_recorded<S: Store>(
    store: &S,
    auditor: &Auditor,
    park_id: &str,
    at: jiff::Timestamp,
    name: &str,
    password: &str,
) -> Result<Account, ApiError> {
    // The target is what was typed as a name, cut to a name's length: never the password.
    let target: String = name
        .chars()
        .filter(|c| !c.is_control())
        .take(MAX_NAME_CHARS)
        .collect();
    let since = at - jiff::SignedDuration::from_secs(THROTTLE_WINDOW_S);
    let recent = store
        .audit_outcomes(park_id, "sign_in", &target, since)
        .await
        .map_err(store_error)?;
    let result = match throttled_until(&recent, at) {
        Some(until) => Err(ApiError {
            code: ErrorCode::Throttled,
            message: format!(
                "too many wrong sign-ins of this name: try again in {} s",
                (until - at).as_secs() + 1
            ),
            details: Vec::new(),
        }),
        None => sign_in(store, name, password).await,
    };
    let action = Action {
        action: "sign_in".to_owned(),
        target,
        after: result
            .as_ref()
            .map(|a| a.role.as_str().to_owned())
            .unwrap_or_default(),
        outcome: match &result {
            Ok(_) => "ok".to_owned(),
            Err(e) if e.code == ErrorCode::BadArguments => format!("refused: {SIGN_IN_REFUSED}"),
            Err(e) if e.code == ErrorCode::Throttled => "refused: throttled".to_owned(),
            Err(e) => format!("failed: {}", e.message),
        },
        ..Action::default()
    };
    let logged = auditor.record(store, park_id, at, action).await;
    match (result, logged) {
        (Ok(account), Ok(_)) => Ok(account),
        (Ok(_), Err(e)) => Err(e),
        (Err(e), logged) => {
            if let Err(log) = logged {
                tracing::warn!(error = %log.message, "a refused sign-in was not written to the audit log");
            }
            Err(e)
        }
    }
}

impl<S: Store + 'static> crate::live::Live<S> {
    /// The person acting at a desktop console of this park ([`person_at_console`]).
    pub async fn person(
        &self,
        signed_in: Option<&Account>,
        os_user: &str,
    ) -> Result<Person, ApiError> {
        person_at_console(self.store(), signed_in, os_user).await
    }

    /// Sign `name` in at the console `auditor`, recorded in this park's audit log
    /// ([`sign_in_recorded`]).
    pub async fn sign_in(
        &self,
        auditor: &Auditor,
        at: jiff::Timestamp,
        name: &str,
        password: &str,
    ) -> Result<Account, ApiError> {
        let park = self.engine().park();
        sign_in_recorded(
            self.store(),
            auditor,
            &park.scenario().park.id,
            at,
            name,
            password,
        )
        .await
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Prints a fresh decoy: `cargo test -p suangu-api decoy_to_paste -- --ignored --nocapture`.
    #[test]
    #[ignore = "prints a new DECOY_PHC, for when the parameters change"]
    fn decoy_to_paste() {
        // A password nobody keeps: a hash, carrying 128 random bits in its salt.
        let password = hash_password("thrown away at once").expect("hash");
        println!("{}", hash_password(&password).expect("hash"));
    }

    #[test]
    fn new_hashes_are_argon2id_at_owasp_parameters_with_a_fresh_salt() {
        let a = hash_password("correct horse battery").expect("hash");
        let b = hash_password("correct horse battery").expect("hash");
        assert!(a.starts_with("$argon2id$v=19$m=19456,t=2,p=1$"), "{a}");
        assert_ne!(a, b, "each hash has its own salt");
        let salt = |phc: &str| {
            PasswordHash::new(phc)
                .expect("parse")
                .salt
                .expect("salt")
                .len()
        };
        assert_eq!(salt(&a), 16);
        assert!(!a.contains("correct horse"));
        assert!(verify_password(&a, "correct horse battery"));
        assert!(verify_password(&b, "correct horse battery"));
        assert!(!verify_password(&a, "correct horse battery!"));
        assert!(!verify_password("not a hash", "correct horse battery"));
        assert!(!verify_password("", ""));
    }

    #[test]
    fn the_decoy_costs_what_a_real_hash_costs() {
        let real = hash_password("any password at all").expect("hash");
        let params = |phc: &str| {
            let h = PasswordHash::new(phc).expect("parse");
            (h.algorithm.to_string(), h.version, h.params.to_string())
        };
        assert_eq!(params(DECOY_PHC), params(&real));
        assert!(!verify_password(DECOY_PHC, ""));
    }

    #[test]
    fn passwords_between_12_characters_and_1024_bytes() {
        assert_eq!(
            check_password("eleven char"),
            Err(AccountError::PasswordTooShort(11))
        );
        check_password("twelve chars").expect("12");
        // Characters, not bytes: twelve Chinese characters are enough, eleven are not.
        check_password("算谷园区指挥中心的密码口令").expect("12 CJK characters");
        assert_eq!(
            check_password("算谷园区指挥中心的密码"),
            Err(AccountError::PasswordTooShort(11))
        );
        check_password(&"x".repeat(1024)).expect("1024 bytes");
        let long = check_password(&"x".repeat(1025)).expect_err("1025");
        assert_eq!(long, AccountError::PasswordTooLong(1025));
        let wire = ApiError::from(long);
        assert_eq!(wire.code, ErrorCode::BadArguments);
        assert_eq!(
            wire.message,
            "the password is too long: 1025 bytes, at most 1024"
        );
        assert_eq!(
            AccountError::PasswordTooShort(5).to_string(),
            "the password is too short: 5 characters, at least 12 are needed"
        );
        assert!(
            hash_password("short").is_err(),
            "the rules hold when hashing too"
        );
        assert_eq!(
            ApiError::from(AccountError::Store("gone".into())).code,
            ErrorCode::StoreUnavailable
        );
    }

    #[test]
    fn sign_ins_wait_after_five_wrong_ones_in_a_row_and_only_then() {
        let t0: jiff::Timestamp = "2026-04-01T08:00:00Z".parse().expect("time");
        let at = |s: i64| t0 + jiff::SignedDuration::from_secs(s);
        let wrong = |s: i64| (at(s), format!("refused: {SIGN_IN_REFUSED}"));
        let ok = |s: i64| (at(s), "ok".to_owned());
        let waited = |s: i64| (at(s), "refused: throttled".to_owned());
        let five: Vec<_> = (0..5).map(wrong).collect();
        type Recent = Vec<(jiff::Timestamp, String)>;
        let cases: [(&str, Recent, i64, Option<i64>); 7] = [
            ("nothing yet", vec![], 0, None),
            ("four wrong", (0..4).map(wrong).collect(), 5, None),
            (
                "five wrong: wait 30 s after the last",
                five.clone(),
                10,
                Some(34),
            ),
            ("five wrong, 30 s later", five.clone(), 34, None),
            (
                "a success clears them",
                [five.clone(), vec![ok(5)]].concat(),
                6,
                None,
            ),
            (
                "refusals for waiting extend nothing",
                [five.clone(), vec![waited(6), waited(20)]].concat(),
                21,
                Some(34),
            ),
            (
                "a sixth wrong after the wait: wait again",
                [five, vec![wrong(40)]].concat(),
                41,
                Some(70),
            ),
        ];
        for (what, recent, now, until) in cases {
            assert_eq!(throttled_until(&recent, at(now)), until.map(at), "{what}");
        }
    }

    #[test]
    fn names_are_short_words_in_any_script() {
        for ok in ["wang", "li.na", "op-1", "duty_officer", "a@park", "李娜"] {
            check_name(ok).expect(ok);
        }
        for no in [
            "",
            "two words",
            "tab\there",
            "semi;colon",
            "a/b",
            &"x".repeat(65),
        ] {
            assert!(check_name(no).is_err(), "{no:?}");
        }
    }

    #[test]
    fn roles_parse_from_their_names_only() {
        for role in Role::ALL {
            assert_eq!(role.as_str().parse::<Role>(), Ok(role));
        }
        let err = "root".parse::<Role>().expect_err("unknown");
        assert_eq!(
            err.to_string(),
            "unknown role \"root\": a role is viewer, operator or admin"
        );
        assert!("Admin".parse::<Role>().is_err());
        assert!("".parse::<Role>().is_err());
    }

    mod store {
        use super::*;
        use std::sync::Mutex;
        use suangu_store::SqliteStore;

        async fn open(name: &str) -> SqliteStore {
            let dir =
                std::env::temp_dir().join(format!("suangu-accounts-{}-{name}", std::process::id()));
            let _ = std::fs::remove_dir_all(&dir);
            SqliteStore::open(&dir.join("store.db"))
                .await
                .expect("store")
        }

        fn runtime() -> tokio::runtime::Runtime {
            tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .expect("runtime")
        }

        fn now() -> jiff::Timestamp {
            "2026-04-01T08:00:00Z".parse().expect("time")
        }

        /// Which hashes the sign-ins of this test asked to verify (tests run in parallel: one
        /// recording at a time).
        static ASKED: Mutex<Vec<String>> = Mutex::new(Vec::new());
        static ONE_AT_A_TIME: Mutex<()> = Mutex::new(());

        fn recording(phc: &str, password: &str) -> bool {
            if let Ok(mut asked) = ASKED.lock() {
                asked.push(phc.to_owned());
            }
            verify_password(phc, password)
        }

        /// Without accounts the desktop's user is an operator; with them, a viewer until signed
        /// in; signed in, the account's role as the store has it now (disabled: nobody).
        #[test]
        fn the_person_at_a_console_follows_the_store() {
            runtime().block_on(async {
                let store = open("person").await;
                let single = person_at_console(&store, None, "li").await.expect("person");
                assert_eq!(
                    (
                        single.name.as_str(),
                        single.role,
                        single.signed_in,
                        single.accounts
                    ),
                    ("li", Role::Operator, false, false)
                );
                add_user(
                    &store,
                    "wang",
                    Role::Operator,
                    "wang's long password",
                    now(),
                )
                .await
                .expect("add");
                let viewer = person_at_console(&store, None, "li").await.expect("person");
                assert_eq!(
                    (viewer.role, viewer.signed_in, viewer.accounts),
                    (Role::Viewer, false, true)
                );
                assert!(!viewer.role.allows(Role::Operator));
                let wang = Account {
                    name: "wang".to_owned(),
                    role: Role::Operator,
                };
                let signed = person_at_console(&store, Some(&wang), "li")
                    .await
                    .expect("person");
                assert_eq!(
                    (signed.name.as_str(), signed.role, signed.signed_in),
                    ("wang", Role::Operator, true)
                );
                set_role(&store, "wang", Role::Admin, now())
                    .await
                    .expect("role");
                let promoted = person_at_console(&store, Some(&wang), "li")
                    .await
                    .expect("person");
                assert_eq!(
                    promoted.role,
                    Role::Admin,
                    "the role as the store has it now"
                );
                assert!(promoted.role.allows(Role::Operator));
                set_disabled(&store, "wang", true, now())
                    .await
                    .expect("disable");
                let gone = person_at_console(&store, Some(&wang), "li")
                    .await
                    .expect("person");
                assert_eq!(
                    (gone.name.as_str(), gone.role, gone.signed_in),
                    ("li", Role::Viewer, false)
                );
            });
        }

        #[test]
        fn unknown_disabled_and_wrong_are_one_answer_after_one_verification() {
            let _one = ONE_AT_A_TIME.lock().unwrap_or_else(|e| e.into_inner());
            runtime().block_on(async {
                let store = open("sign-in").await;
                add_user(
                    &store,
                    "wang",
                    Role::Operator,
                    "wang's long password",
                    now(),
                )
                .await
                .expect("add");
                add_user(&store, "zhao", Role::Viewer, "zhao's long password", now())
                    .await
                    .expect("add");
                set_disabled(&store, "zhao", true, now())
                    .await
                    .expect("disable");
                let wang_phc = store
                    .user("wang")
                    .await
                    .expect("read")
                    .expect("wang")
                    .password_phc;

                let cases: [(&str, &str, Option<&str>, &str); 6] = [
                    ("wang", "wang's long password", Some("ok"), &wang_phc),
                    ("wang", "not wang's password", None, &wang_phc),
                    ("nobody", "wang's long password", None, DECOY_PHC),
                    ("zhao", "zhao's long password", None, DECOY_PHC),
                    ("bad name", "wang's long password", None, DECOY_PHC),
                    ("wang", &"x".repeat(2000), None, DECOY_PHC),
                ];
                let mut errors = Vec::new();
                for (name, password, ok, verified) in cases {
                    ASKED.lock().expect("lock").clear();
                    let result = sign_in_with(&store, name, password, recording).await;
                    let asked = ASKED.lock().expect("lock").clone();
                    assert_eq!(asked, [verified], "{name}: one verification, of this hash");
                    match (ok, result) {
                        (Some(_), Ok(account)) => assert_eq!(
                            account,
                            Account {
                                name: "wang".into(),
                                role: Role::Operator
                            }
                        ),
                        (None, Err(e)) => errors.push(e),
                        (want, got) => panic!("{name}: wanted {want:?}, got {got:?}"),
                    }
                }
                assert_eq!(errors.len(), 5);
                for e in &errors {
                    assert_eq!(e, &refused(), "the same error every time");
                }
                assert_eq!(errors[0].message, "name or password wrong");
            });
        }

        #[test]
        fn an_unknown_name_takes_about_as_long_as_a_known_one() {
            let _one = ONE_AT_A_TIME.lock().unwrap_or_else(|e| e.into_inner());
            runtime().block_on(async {
                let store = open("timing").await;
                add_user(&store, "wang", Role::Admin, "wang's long password", now())
                    .await
                    .expect("add");
                let time = |name: &'static str| {
                    let store = &store;
                    async move {
                        let mut best = std::time::Duration::MAX;
                        for _ in 0..3 {
                            let started = std::time::Instant::now();
                            let _ = sign_in(store, name, "a wrong password").await;
                            best = best.min(started.elapsed());
                        }
                        best
                    }
                };
                let known = time("wang").await;
                let unknown = time("nobody").await;
                // Without the decoy an unknown name answers in well under a millisecond, a
                // hundred times faster; the bound is loose for a busy machine.
                assert!(
                    unknown * 3 > known,
                    "unknown {unknown:?} against known {known:?}"
                );
            });
        }

        #[test]
        fn accounts_are_added_once_listed_without_hashes_and_changed() {
            runtime().block_on(async {
                let store = open("manage").await;
                let added = add_user(&store, "wang", Role::Admin, "the first password", now())
                    .await
                    .expect("add");
                assert_eq!(added.role, Role::Admin);
                let again = add_user(&store, "wang", Role::Viewer, "another password", now())
                    .await
                    .expect_err("taken");
                assert_eq!(again, AccountError::NameTaken("wang".into()));
                assert_eq!(again.to_string(), "user \"wang\" already exists");
                assert_eq!(ApiError::from(again).code, ErrorCode::BadArguments);
                let short = add_user(&store, "li", Role::Viewer, "short", now())
                    .await
                    .expect_err("short");
                assert_eq!(short, AccountError::PasswordTooShort(5));
                let bad_name = add_user(&store, "li na", Role::Viewer, "a long password", now())
                    .await
                    .expect_err("bad name");
                assert_eq!(bad_name, AccountError::BadName("li na".into()));
                assert!(store.user("li").await.expect("read").is_none());

                let listed = list_users(&store).await.expect("list");
                let json = serde_json::to_string(&listed).expect("json");
                assert_eq!(
                    json,
                    format!(
                        "[{{\"name\":\"wang\",\"role\":\"admin\",\"disabled\":false,\"created_s\":{0},\"updated_s\":{0}}}]",
                        now().as_second()
                    )
                );

                set_password(&store, "wang", "the second password", now())
                    .await
                    .expect("passwd");
                assert!(sign_in(&store, "wang", "the first password").await.is_err());
                assert_eq!(
                    sign_in(&store, "wang", "the second password")
                        .await
                        .expect("signed in")
                        .role,
                    Role::Admin
                );
                set_role(&store, "wang", Role::Viewer, now())
                    .await
                    .expect("role");
                assert_eq!(
                    sign_in(&store, "wang", "the second password")
                        .await
                        .expect("signed in")
                        .role,
                    Role::Viewer
                );
                let unknown = set_password(&store, "nobody", "a long password", now())
                    .await
                    .expect_err("unknown");
                assert_eq!(unknown, AccountError::NoSuchUser("nobody".into()));
                assert_eq!(unknown.to_string(), "no user \"nobody\"");
                assert_eq!(
                    set_role(&store, "nobody", Role::Admin, now()).await,
                    Err(AccountError::NoSuchUser("nobody".into()))
                );
                assert!(set_disabled(&store, "nobody", true, now()).await.is_err());
                set_disabled(&store, "wang", true, now())
                    .await
                    .expect("disable");
                assert_eq!(
                    sign_in(&store, "wang", "the second password").await,
                    Err(refused())
                );
                set_disabled(&store, "wang", false, now())
                    .await
                    .expect("enable");
                sign_in(&store, "wang", "the second password")
                    .await
                    .expect("enabled again");
            });
        }

        /// Five wrong passwords for a name: the sixth attempt, even the right password, waits
        /// (answered `throttled`, recorded as such); after the wait the
        /// right one signs in. Another name is not slowed.
        #[test]
        fn wrong_sign_ins_in_a_row_make_the_next_wait() {
            let _one = ONE_AT_A_TIME.lock().unwrap_or_else(|e| e.into_inner());
            runtime().block_on(async {
                let store = open("throttled").await;
                let key = suangu_store::audit::AuditKey::from_bytes([7; 32]);
                let auditor = Auditor::with_key(key, "duty-officer", Role::Admin, "test");
                for name in ["wang", "li"] {
                    add_user(&store, name, Role::Operator, "a long right password", now())
                        .await
                        .expect("add");
                }
                let at = |s: i64| now() + jiff::SignedDuration::from_secs(s);
                let try_in = |name: &'static str, password: &'static str, s: i64| {
                    let (store, auditor) = (&store, &auditor);
                    async move {
                        sign_in_recorded(store, auditor, "qingyang", at(s), name, password).await
                    }
                };
                for s in 0..5 {
                    assert_eq!(try_in("wang", "a wrong password", s).await, Err(refused()));
                }
                let waits = try_in("wang", "a long right password", 10)
                    .await
                    .expect_err("waits");
                assert_eq!(waits.code, ErrorCode::Throttled);
                assert_eq!(
                    waits.message,
                    "too many wrong sign-ins of this name: try again in 25 s"
                );
                try_in("li", "a long right password", 10)
                    .await
                    .expect("another name is not slowed");
                try_in("wang", "a long right password", 34)
                    .await
                    .expect("after the wait");
                let outcomes: Vec<String> = store
                    .audit_outcomes("qingyang", "sign_in", "wang", at(0))
                    .await
                    .expect("log")
                    .into_iter()
                    .map(|(_, o)| o)
                    .collect();
                assert_eq!(
                    outcomes[4..],
                    [
                        "refused: name or password wrong",
                        "refused: throttled",
                        "ok"
                    ]
                );
            });
        }

        #[test]
        fn sign_ins_are_audited_without_the_password() {
            runtime().block_on(async {
                let store = open("audited").await;
                let key = suangu_store::audit::AuditKey::from_bytes([7; 32]);
                let auditor = Auditor::with_key(key, "duty-officer", Role::Admin, "test");
                add_user(
                    &store,
                    "wang",
                    Role::Operator,
                    "wang's long password",
                    now(),
                )
                .await
                .expect("add");
                let ok = sign_in_recorded(
                    &store,
                    &auditor,
                    "qingyang",
                    now(),
                    "wang",
                    "wang's long password",
                )
                .await
                .expect("signed in");
                assert_eq!(ok.role, Role::Operator);
                let refused_in = sign_in_recorded(
                    &store,
                    &auditor,
                    "qingyang",
                    now(),
                    "wang",
                    "a wrong password",
                )
                .await
                .expect_err("refused");
                assert_eq!(refused_in, refused());
                let rows = store.audit_log("qingyang").await.expect("log");
                let seen: Vec<(&str, &str, &str, &str)> = rows
                    .iter()
                    .map(|r| {
                        let e = &r.entry;
                        (
                            e.action.as_str(),
                            e.target.as_str(),
                            e.after.as_str(),
                            e.outcome.as_str(),
                        )
                    })
                    .collect();
                assert_eq!(
                    seen,
                    [
                        ("sign_in", "wang", "operator", "ok"),
                        ("sign_in", "wang", "", "refused: name or password wrong"),
                    ]
                );
                let all = format!("{rows:?}");
                assert!(!all.contains("long password") && !all.contains("wrong password"));
            });
        }
    }
}
