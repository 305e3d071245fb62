//! `suangu audit verify`: check the audit log's chain (exit 0 intact, 1 broken at a named row,
//! 2 without the key); `suangu audit export --out FILE.csv`: every row as CSV (times in UTC and
//! in the park's zone), after checking the chain. And `record`, how the CLI's own actions go
//! into the log (as an admin: the CLI holds the database's credentials).

use crate::common::{Context, ExitCode};
use crate::i18n::{Key, Lang};
use clap::{Args, Subcommand};
use serde::Serialize;
use std::path::PathBuf;
use suangu_api::audit::{Action, Auditor, Role};
use suangu_store::audit::{AuditKey, KeyError, key_path, verify};
use suangu_store::{AnyStore, Store};

#[derive(Args, Debug)]
pub struct AuditArgs {
    #[command(subcommand)]
    action: AuditAction,
}

#[derive(Subcommand, Debug)]
enum AuditAction {
    /// Check every row's HMAC and its place in the chain (key: $SUANGU_AUDIT_KEY or the
    /// configuration folder's suangu/audit.key).
    Verify,
    /// Write every row as CSV (after checking the chain; a broken chain is exit 1, the file is
    /// still written).
    Export {
        #[arg(long, value_name = "FILE")]
        out: PathBuf,
    },
}

#[derive(Serialize)]
struct Verified {
    park: String,
    rows: usize,
    intact: bool,
    /// The first row where the chain breaks, and why.
    broken_row: Option<i64>,
    problem: Option<String>,
    /// The newest row's id and MAC: keep them elsewhere to notice rows cut off the end.
    head_id: Option<i64>,
    head_mac: Option<String>,
}

pub fn run(args: AuditArgs, context: &Context, json: bool, lang: Lang) -> Result<(), ExitCode> {
    let api = context.open_park(json)?;
    let park = api.park().scenario().park.clone();
    let fail = |message: String| {
        eprintln!("{}: {message}", lang.text(Key::Failure));
        ExitCode::Failure
    };
    let key = AuditKey::load(&key_path()).map_err(|e| match e {
        KeyError::Missing { .. } | KeyError::Length { .. } => {
            eprintln!("{}: {e}", lang.text(Key::BadInput));
            ExitCode::BadInput
        }
        KeyError::Io { .. } => fail(e.to_string()),
    })?;
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|e| fail(e.to_string()))?;
    let rows = runtime
        .block_on(async {
            let store = AnyStore::open(&context.db).await?;
            store.audit_log(&park.id).await
        })
        .map_err(|e| fail(e.to_string()))?;
    let checked = verify(&park.id, &rows, &key);
    let head = rows.last();
    let report = Verified {
        park: park.id.clone(),
        rows: rows.len(),
        intact: checked.is_ok(),
        broken_row: checked.as_ref().err().map(|b| b.id),
        problem: checked.as_ref().err().map(|b| b.problem.clone()),
        head_id: head.map(|r| r.id),
        head_mac: head.map(|r| r.mac.clone()),
    };
    if let AuditAction::Export { out } = &args.action {
        let tz = jiff::tz::TimeZone::get(&park.time_zone).map_err(|e| fail(e.to_string()))?;
        let mut csv = csv::Writer::from_path(out)
            .map_err(|e| fail(format!("--out {}: {e}", out.display())))?;
        let written = (|| -> Result<(), csv::Error> {
            csv.write_record([
                "id", "prev", "at_utc", "at_local", "who", "role", "console", "action", "target",
                "before", "after", "reason", "outcome", "mac",
            ])?;
            for r in &rows {
                let e = &r.entry;
                csv.write_record([
                    r.id.to_string().as_str(),
                    &r.prev.to_string(),
                    &e.at.to_string(),
                    &tz.to_datetime(e.at).to_string(),
                    &e.who,
                    &e.role,
                    &e.console,
                    &e.action,
                    &e.target,
                    &e.before,
                    &e.after,
                    &e.reason,
                    &e.outcome,
                    &r.mac,
                ])?;
            }
            csv.flush()?;
            Ok(())
        })();
        written.map_err(|e| fail(format!("--out {}: {e}", out.display())))?;
    }
    if json {
        crate::print_json(&report);
    } else {
        match &checked {
            Ok(n) => println!(
                "{} {}: {n} {} · {}",
                lang.text(Key::AuditLog),
                park.id,
                lang.text(Key::AuditRows),
                lang.text(Key::AuditIntact)
            ),
            Err(broken) => println!("{}: {broken}", lang.text(Key::AuditBroken)),
        }
        if let Some(head) = head {
            println!("  {}: {} {}", lang.text(Key::AuditHead), head.id, head.mac);
        }
    }
    if checked.is_err() {
        return Err(ExitCode::Failure);
    }
    Ok(())
}

/// Log an action of the CLI (run by the operating-system user, as an admin) into `store`.
/// A log that cannot be written is a failure the caller reports: the action is not accounted for.
pub async fn record(
    store: &AnyStore,
    park_id: &str,
    action: Action,
) -> Result<i64, suangu_api::dto::ApiError> {
    Auditor::open(Role::Admin, "cli")?
        .record(store, park_id, jiff::Timestamp::now(), action)
        .await
}
