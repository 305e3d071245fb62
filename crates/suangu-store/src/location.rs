//! Where a store lives, from a `--db` URL.

use std::fmt;
use std::path::PathBuf;

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Location {
    Sqlite(PathBuf),
    Postgres(String),
}

impl Location {
    /// `sqlite://<path>`, `sqlite:<path>`, `postgres://...` or `postgresql://...`.
    pub fn parse(url: &str) -> Result<Self, String> {
        if let Some(path) = url
            .strip_prefix("sqlite://")
            .or_else(|| url.strip_prefix("sqlite:"))
        {
            if path.is_empty() {
                return Err(format!("--db {url}: the sqlite URL names no file"));
            }
            Ok(Location::Sqlite(PathBuf::from(path)))
        } else if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            Ok(Location::Postgres(url.to_owned()))
        } else {
            Err(format!(
                "--db {url}: expected sqlite://<path> or postgres://user@host/db"
            ))
        }
    }

    /// The folder of the raw ingest's append log for `park`: beside a SQLite file; in the OS data
    /// directory for a PostgreSQL server (one log per server host and database).
    pub fn raw_log_dir(&self, park: &str) -> PathBuf {
        match self {
            Location::Sqlite(path) => path.with_extension(format!("{park}.rawlog")),
            Location::Postgres(_) => {
                let shown = self.to_string();
                let key: String = shown
                    .trim_start_matches("postgres://***@")
                    .chars()
                    .map(|c| if c.is_ascii_alphanumeric() { c } else { '_' })
                    .collect();
                Self::default_dir().join(format!("rawlog-{key}-{park}"))
            }
        }
    }

    /// SQLite in the OS data directory (e.g. ~/.local/share/suangu/suangu.db).
    pub fn default_location() -> Self {
        Location::Sqlite(Self::default_dir().join("suangu.db"))
    }

    /// Suangu's folder in the OS data directory (e.g. ~/.local/share/suangu).
    pub fn default_dir() -> PathBuf {
        dirs::data_dir()
            .unwrap_or_else(std::env::temp_dir)
            .join("suangu")
    }
}

impl fmt::Display for Location {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Location::Sqlite(path) => write!(f, "sqlite://{}", path.display()),
            // Never print a password.
            Location::Postgres(url) => match url.split_once('@') {
                Some((_, host)) => write!(f, "postgres://***@{host}"),
                None => f.write_str(url),
            },
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn raw_logs_sit_beside_sqlite_and_never_name_a_password() {
        let here = Location::parse("sqlite:///tmp/a.db").expect("url");
        assert_eq!(
            here.raw_log_dir("qingyang"),
            PathBuf::from("/tmp/a.qingyang.rawlog")
        );
        let pg = Location::parse("postgres://u:secret@db:5432/suangu").expect("url");
        let dir = pg.raw_log_dir("qingyang").display().to_string();
        assert!(dir.ends_with("rawlog-db_5432_suangu-qingyang"), "{dir}");
        assert!(!dir.contains("secret"));
    }

    #[test]
    fn urls() {
        assert_eq!(
            Location::parse("sqlite:///tmp/a.db"),
            Ok(Location::Sqlite("/tmp/a.db".into()))
        );
        assert_eq!(
            Location::parse("sqlite:park.db"),
            Ok(Location::Sqlite("park.db".into()))
        );
        assert!(Location::parse("postgres://u:secret@localhost/suangu").is_ok());
        assert!(Location::parse("mysql://x").is_err());
        assert!(Location::parse("sqlite://").is_err());
        let shown = Location::parse("postgres://u:secret@localhost/suangu")
            .expect("valid")
            .to_string();
        assert!(!shown.contains("secret"), "{shown}");
    }
}
