//! `suangu user` as an admin meets it, through the real binary on a real SQLite file: the first
//! admin added, a taken name, a short password and an unknown role refused as bad input (exit
//! 2), the list without hashes, passwords changed and checked (exit 0 signed in, 1 refused, the
//! same answer for an unknown name, a wrong password and a disabled account), no terminal
//! without --password-stdin, and no password in clear anywhere in the database's files or the
//! audit log.

use std::io::Write;
use std::path::PathBuf;
use std::process::{Command, Output, Stdio};

struct Setup {
    dir: PathBuf,
    db: String,
}

impl Setup {
    fn new(name: &str) -> Self {
        let dir = std::env::temp_dir().join(format!("suangu-users-{}-{name}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).expect("dir");
        Self {
            db: format!("sqlite://{}", dir.join("store.db").display()),
            dir,
        }
    }

    fn suangu(&self, lang: &str) -> Command {
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_suangu"));
        cmd.env("LANG", lang)
            .env_remove("LC_ALL")
            .env("USER", "duty-officer")
            .env("SUANGU_AUDIT_KEY", self.dir.join("keys").join("audit.key"))
            .arg("--db")
            .arg(&self.db);
        cmd
    }

    /// `suangu <args>` in English, `stdin` written to it (none: stdin is not a terminal
    /// either, it is empty).
    fn run(&self, args: &[&str], stdin: Option<&str>) -> Output {
        self.run_in("en_US.UTF-8", args, stdin)
    }

    fn run_in(&self, lang: &str, args: &[&str], stdin: Option<&str>) -> Output {
        let mut child = self
            .suangu(lang)
            .args(args)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("runs");
        let mut pipe = child.stdin.take().expect("stdin");
        if let Some(text) = stdin {
            // A command that refuses before reading may have closed its end already.
            let _ = pipe.write_all(text.as_bytes());
        }
        drop(pipe);
        child.wait_with_output().expect("output")
    }

    /// Every byte of the database's files (the WAL too, where recent pages are).
    fn database_bytes(&self) -> Vec<u8> {
        let mut bytes = Vec::new();
        for entry in std::fs::read_dir(&self.dir).expect("dir").flatten() {
            let name = entry.file_name().to_string_lossy().into_owned();
            if name.starts_with("store.db") {
                bytes.extend(std::fs::read(entry.path()).expect("read"));
            }
        }
        bytes
    }
}

impl Drop for Setup {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

fn code(out: &Output) -> Option<i32> {
    out.status.code()
}

fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

fn stdout(out: &Output) -> String {
    String::from_utf8_lossy(&out.stdout).into_owned()
}

#[track_caller]
fn ok(out: &Output) -> String {
    assert_eq!(code(out), Some(0), "{}", stderr(out));
    stdout(out)
}

fn contains(haystack: &[u8], needle: &str) -> bool {
    haystack
        .windows(needle.len())
        .any(|w| w == needle.as_bytes())
}

const ADMIN_PASSWORD: &str = "first admin's passphrase";
const NEW_PASSWORD: &str = "a new passphrase for wang";
const OPERATOR_PASSWORD: &str = "li na's long password";

#[test]
fn the_first_admin_and_the_accounts_after_it() {
    let s = Setup::new("accounts");
    // The first admin: the password piped in, with its line end.
    let added = ok(&s.run(
        &["user", "add", "wang", "--role", "admin", "--password-stdin"],
        Some(&format!("{ADMIN_PASSWORD}\n")),
    ));
    assert!(added.contains("wang") && added.contains("admin"), "{added}");
    // JSON, with Windows line ends on stdin.
    let li: serde_json::Value = serde_json::from_str(&ok(&s.run(
        &[
            "--json",
            "user",
            "add",
            "李娜",
            "--role",
            "operator",
            "--password-stdin",
        ],
        Some(&format!("{OPERATOR_PASSWORD}\r\n")),
    )))
    .expect("json");
    assert_eq!(li["name"], "李娜");
    assert_eq!(li["role"], "operator");
    assert_eq!(li["disabled"], false);

    // Bad input, exit 2, and nothing added.
    let taken = s.run(
        &[
            "user",
            "add",
            "wang",
            "--role",
            "viewer",
            "--password-stdin",
        ],
        Some("another long password\n"),
    );
    assert_eq!(code(&taken), Some(2), "{}", stderr(&taken));
    assert!(
        stderr(&taken).contains("already exists"),
        "{}",
        stderr(&taken)
    );
    let short = s.run(
        &[
            "user",
            "add",
            "zhao",
            "--role",
            "viewer",
            "--password-stdin",
        ],
        Some("elevenchars\n"),
    );
    assert_eq!(code(&short), Some(2));
    assert!(
        stderr(&short).contains("too short") && stderr(&short).contains("12"),
        "{}",
        stderr(&short)
    );
    let role = s.run(
        &["user", "add", "zhao", "--role", "root", "--password-stdin"],
        Some("a long enough password\n"),
    );
    assert_eq!(code(&role), Some(2));
    assert!(
        stderr(&role).contains("\"root\"") && stderr(&role).contains("viewer, operator or admin"),
        "{}",
        stderr(&role)
    );
    let name = s.run(
        &[
            "user",
            "add",
            "zhao wei",
            "--role",
            "viewer",
            "--password-stdin",
        ],
        Some("a long enough password\n"),
    );
    assert_eq!(code(&name), Some(2));
    assert!(stderr(&name).contains("1 to 64"), "{}", stderr(&name));
    let lines = s.run(
        &[
            "user",
            "add",
            "zhao",
            "--role",
            "viewer",
            "--password-stdin",
        ],
        Some("a long enough password\nand a second line\n"),
    );
    assert_eq!(code(&lines), Some(2));
    assert!(stderr(&lines).contains("one line"), "{}", stderr(&lines));

    // The list: names, roles, state; never a hash or a password.
    let list = ok(&s.run(&["user", "list"], None));
    assert!(list.contains("wang") && list.contains("admin"), "{list}");
    assert!(list.contains("李娜") && list.contains("operator"), "{list}");
    assert!(!list.contains("zhao"), "{list}");
    let json = ok(&s.run(&["--json", "user", "list"], None));
    for text in [&list, &json] {
        assert!(!text.contains("argon2"), "{text}");
        assert!(!text.contains(ADMIN_PASSWORD) && !text.contains(OPERATOR_PASSWORD));
    }
    let listed: serde_json::Value = serde_json::from_str(&json).expect("json");
    let keys: Vec<&String> = listed[0].as_object().expect("object").keys().collect();
    assert_eq!(keys, ["created_s", "disabled", "name", "role", "updated_s"]);

    // Checks: signed in, or one answer for every refusal.
    let check = |name: &str, password: &str| {
        s.run(
            &["user", "check", name, "--password-stdin"],
            Some(&format!("{password}\n")),
        )
    };
    assert!(ok(&check("wang", ADMIN_PASSWORD)).contains("admin"));
    let wrong = check("wang", "not the password at all");
    let unknown = check("nobody", ADMIN_PASSWORD);
    for refused in [&wrong, &unknown] {
        assert_eq!(code(refused), Some(1));
        assert_eq!(stderr(refused).trim(), "name or password wrong");
    }

    // A new password: the old one no longer signs in.
    ok(&s.run(
        &["user", "passwd", "wang", "--password-stdin"],
        Some(&format!("{NEW_PASSWORD}\n")),
    ));
    assert_eq!(code(&check("wang", ADMIN_PASSWORD)), Some(1));
    ok(&check("wang", NEW_PASSWORD));
    let passwd_unknown = s.run(
        &["user", "passwd", "nobody", "--password-stdin"],
        Some("a long enough password\n"),
    );
    assert_eq!(code(&passwd_unknown), Some(2));
    assert!(stderr(&passwd_unknown).contains("no such user"));
    let passwd_short = s.run(
        &["user", "passwd", "wang", "--password-stdin"],
        Some("short\n"),
    );
    assert_eq!(code(&passwd_short), Some(2));
    ok(&check("wang", NEW_PASSWORD));

    // Disabled: the right password is refused like a wrong one; enabled again, it signs in.
    ok(&s.run(&["user", "disable", "李娜"], None));
    let disabled = check("李娜", OPERATOR_PASSWORD);
    assert_eq!(code(&disabled), Some(1));
    assert_eq!(stderr(&disabled), stderr(&wrong));
    assert!(ok(&s.run(&["user", "list"], None)).contains("disabled"));
    assert_eq!(code(&s.run(&["user", "disable", "nobody"], None)), Some(2));
    ok(&s.run(&["user", "enable", "李娜"], None));
    ok(&s.run(&["user", "role", "李娜", "--role", "viewer"], None));
    let li: serde_json::Value = serde_json::from_str(&ok(&s.run(
        &["--json", "user", "check", "李娜", "--password-stdin"],
        Some(OPERATOR_PASSWORD),
    )))
    .expect("json");
    assert_eq!(li, serde_json::json!({ "name": "李娜", "role": "viewer" }));

    // No password anywhere in the database's files; the hashes are there.
    let bytes = s.database_bytes();
    assert!(contains(&bytes, "$argon2id$v=19$m=19456,t=2,p=1$"));
    for password in [
        ADMIN_PASSWORD,
        NEW_PASSWORD,
        OPERATOR_PASSWORD,
        "not the password",
    ] {
        assert!(
            !contains(&bytes, password),
            "{password:?} is in the database"
        );
    }

    // Every change and every check is in the audit log, which holds no password either.
    let csv_path = s.dir.join("audit.csv");
    let csv_arg = csv_path.display().to_string();
    ok(&s.run(&["audit", "export", "--out", &csv_arg], None));
    let csv = std::fs::read_to_string(&csv_path).expect("csv");
    for action in [
        "user_add",
        "user_passwd",
        "user_disable",
        "user_enable",
        "user_role",
        "sign_in",
    ] {
        assert!(csv.contains(action), "{action} not logged:\n{csv}");
    }
    assert!(csv.contains("refused: name or password wrong"));
    for password in [ADMIN_PASSWORD, NEW_PASSWORD, OPERATOR_PASSWORD] {
        assert!(!csv.contains(password), "{password:?} is in the audit log");
    }
    assert!(!csv.contains("argon2"));
}

#[test]
fn without_a_terminal_the_password_must_come_from_stdin() {
    let s = Setup::new("no-tty");
    for args in [
        &["user", "add", "wang", "--role", "admin"][..],
        &["user", "passwd", "wang"][..],
        &["user", "check", "wang"][..],
    ] {
        let out = s.run(args, Some("piped but not asked for\n"));
        assert_eq!(code(&out), Some(2), "{args:?}: {}", stderr(&out));
        assert!(
            stderr(&out).contains("--password-stdin"),
            "{args:?}: {}",
            stderr(&out)
        );
    }
    assert!(ok(&s.run(&["user", "list"], None)).contains("no users yet"));
}

#[test]
fn refusals_are_worded_in_chinese_too() {
    let s = Setup::new("zh");
    let zh = "zh_CN.UTF-8";
    ok(&s.run_in(
        zh,
        &["user", "add", "wang", "--role", "admin", "--password-stdin"],
        Some(ADMIN_PASSWORD),
    ));
    let taken = s.run_in(
        zh,
        &["user", "add", "wang", "--role", "admin", "--password-stdin"],
        Some(ADMIN_PASSWORD),
    );
    assert_eq!(code(&taken), Some(2));
    assert!(
        stderr(&taken).contains("该用户已存在"),
        "{}",
        stderr(&taken)
    );
    let short = s.run_in(
        zh,
        &["user", "passwd", "wang", "--password-stdin"],
        Some("短密码"),
    );
    assert_eq!(code(&short), Some(2));
    assert!(stderr(&short).contains("密码太短"), "{}", stderr(&short));
    let refused = s.run_in(
        zh,
        &["user", "check", "wang", "--password-stdin"],
        Some("wrong password here"),
    );
    assert_eq!(code(&refused), Some(1));
    assert!(stderr(&refused).contains("用户名或密码错误"));
}
