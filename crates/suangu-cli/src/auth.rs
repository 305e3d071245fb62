//! Screen tokens on `suangu serve`: every request off loopback (pages, assets, `/api/*`, the
//! event stream and the WebSocket) carries `Authorization: Bearer <token>` or the session
//! cookie a one-time link set (`GET /login?code=`). Nothing secret is kept in clear: requests are
//! matched by the SHA-256 of what they carry.
//!
//! Revocation: the server reloads the park's active tokens and sessions from the store every
//! [`REFRESH`] (2 s), so `suangu token revoke` takes effect on new requests and on open streams
//! within about 2 s, without a restart. If the store cannot be read for [`STALE_AFTER`], every
//! request is refused until it can (fail closed).

use crate::i18n::{Key, Lang};
use crate::token::{new_secret, sha256_hex};
use axum::extract::{Query, Request, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use std::collections::{HashMap, HashSet};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};
use suangu_store::{AnyStore, ScreenCredentials, Store};
use tokio::sync::watch;

/// How often the server reloads tokens and sessions (the most a revocation waits).
pub const REFRESH: Duration = Duration::from_secs(2);
/// Credentials older than this (the store unreadable) let nothing through.
const STALE_AFTER: Duration = Duration::from_secs(10);
/// The session cookie a one-time link sets.
const COOKIE: &str = "suangu_session";
/// A browser keeps the session this long (Chromium's cap); it ends earlier with its token.
const COOKIE_MAX_AGE_S: u64 = 400 * 24 * 3600;

/// The park's active credentials as last read, by hash.
struct Grants {
    tokens: HashMap<String, i64>,
    sessions: HashMap<String, i64>,
    active: HashSet<i64>,
    loaded: Instant,
}

impl Grants {
    fn from(credentials: ScreenCredentials) -> Grants {
        let active = credentials.tokens.iter().map(|(_, id)| *id).collect();
        Grants {
            tokens: credentials.tokens.into_iter().collect(),
            sessions: credentials.sessions.into_iter().collect(),
            active,
            loaded: Instant::now(),
        }
    }

    fn fresh(&self) -> bool {
        self.loaded.elapsed() < STALE_AFTER
    }
}

pub struct Auth {
    store: AnyStore,
    park: String,
    lang: Lang,
    grants: watch::Sender<Arc<Grants>>,
    /// Tokens used since the last refresh (recorded as last seen).
    used: Mutex<HashSet<i64>>,
}

/// What a request was let in with: streams end when its token is revoked.
#[derive(Clone)]
pub struct Access {
    token: i64,
    grants: watch::Receiver<Arc<Grants>>,
}

impl Access {
    /// The token this request came with (its store id: never the secret).
    pub fn token_id(&self) -> i64 {
        self.token
    }

    /// The token is still active (and the credentials are fresh).
    pub fn allowed(&self) -> bool {
        let grants = self.grants.borrow();
        grants.fresh() && grants.active.contains(&self.token)
    }
}

impl Auth {
    /// Load the park's credentials; the number of active tokens beside it.
    pub async fn open(
        store: AnyStore,
        park: String,
        lang: Lang,
    ) -> suangu_store::Result<(Arc<Auth>, usize)> {
        let grants = Grants::from(store.screen_credentials(&park).await?);
        let active = grants.active.len();
        let auth = Arc::new(Auth {
            store,
            park,
            lang,
            grants: watch::Sender::new(Arc::new(grants)),
            used: Mutex::new(HashSet::new()),
        });
        Ok((auth, active))
    }

    /// Reload the credentials every [`REFRESH`] and record which tokens were used, until the
    /// server stops.
    pub async fn refresh(self: Arc<Auth>) {
        let mut tick = tokio::time::interval(REFRESH);
        tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        loop {
            tick.tick().await;
            match self.store.screen_credentials(&self.park).await {
                Ok(credentials) => {
                    self.grants
                        .send_replace(Arc::new(Grants::from(credentials)));
                }
                Err(e) => tracing::warn!("screen tokens not reloaded: {e}"),
            }
            let used: Vec<i64> = self
                .used
                .lock()
                .map(|mut u| u.drain().collect())
                .unwrap_or_default();
            if let Err(e) = self
                .store
                .touch_screen_tokens(&used, jiff::Timestamp::now())
                .await
            {
                tracing::warn!("screen tokens' last use not recorded: {e}");
            }
        }
    }

    /// The token a request carries (a Bearer header, else the session cookie), if active. A
    /// malformed header or cookie is simply no token.
    fn authorize(&self, headers: &HeaderMap) -> Option<i64> {
        let grants = self.grants.borrow();
        if !grants.fresh() {
            return None;
        }
        let token = if let Some(value) = headers.get(header::AUTHORIZATION) {
            let bearer = value.to_str().ok()?.strip_prefix("Bearer ")?.trim();
            grants.tokens.get(&sha256_hex(bearer)).copied()
        } else {
            let session = headers
                .get_all(header::COOKIE)
                .iter()
                .filter_map(|v| v.to_str().ok())
                .flat_map(|v| v.split(';'))
                .find_map(|pair| pair.trim().strip_prefix(COOKIE)?.strip_prefix('='))?;
            grants.sessions.get(&sha256_hex(session)).copied()
        }
        .filter(|id| grants.active.contains(id))?;
        if let Ok(mut used) = self.used.lock() {
            used.insert(token);
        }
        Some(token)
    }

    /// 401: a small page saying a token is needed (in both languages), nothing of the UI.
    fn unauthorized(&self) -> Response {
        let (first, second) = match self.lang {
            Lang::Zh => (Lang::Zh, Lang::En),
            Lang::En => (Lang::En, Lang::Zh),
        };
        let page = format!(
            "<!doctype html><meta charset=\"utf-8\"><title>401</title><p>{}</p><p>{}</p>\n",
            first.text(Key::TokenNeeded),
            second.text(Key::TokenNeeded)
        );
        (
            StatusCode::UNAUTHORIZED,
            [
                (header::CONTENT_TYPE, "text/html; charset=utf-8"),
                (header::WWW_AUTHENTICATE, "Bearer realm=\"suangu\""),
                (header::CACHE_CONTROL, "no-store"),
            ],
            page,
        )
            .into_response()
    }
}

impl Auth {
    /// 503: the store could not be asked (the link is not spent).
    fn unavailable(&self) -> Response {
        (
            StatusCode::SERVICE_UNAVAILABLE,
            [
                (header::CONTENT_TYPE, "text/plain; charset=utf-8"),
                (header::CACHE_CONTROL, "no-store"),
            ],
            format!("{}\n", self.lang.text(Key::StoreUnreachable)),
        )
            .into_response()
    }
}

/// The middleware in front of everything but `/login`.
pub async fn require_token(
    State(auth): State<Arc<Auth>>,
    mut request: Request,
    next: Next,
) -> Response {
    match auth.authorize(request.headers()) {
        Some(token) => {
            request.extensions_mut().insert(Access {
                token,
                grants: auth.grants.subscribe(),
            });
            next.run(request).await
        }
        None => auth.unauthorized(),
    }
}

/// `GET /login?code=`: spend a one-time link code, set the session cookie and send the browser
/// to `/` (so the code leaves the address bar). A used, unknown or malformed code is 401.
pub async fn login(
    State(auth): State<Arc<Auth>>,
    Query(query): Query<HashMap<String, String>>,
) -> Response {
    let Some(code) = query
        .get("code")
        .filter(|c| c.len() == 64 && c.bytes().all(|b| b.is_ascii_hexdigit()))
    else {
        return auth.unauthorized();
    };
    let session = match new_secret() {
        Ok(session) => session,
        Err(e) => {
            tracing::error!("no random numbers for a session: {e}");
            return auth.unavailable();
        }
    };
    let session_hash = sha256_hex(&session);
    let redeemed = auth
        .store
        .redeem_screen_link(
            &auth.park,
            &sha256_hex(code),
            &session_hash,
            jiff::Timestamp::now(),
        )
        .await;
    let token = match redeemed {
        Ok(Some(token)) => token,
        Ok(None) => return auth.unauthorized(),
        Err(e) => {
            tracing::warn!("one-time link not checked: {e}");
            return auth.unavailable();
        }
    };
    // Usable at once, not only after the next reload.
    auth.grants.send_modify(|grants| {
        let mut next = Grants {
            tokens: grants.tokens.clone(),
            sessions: grants.sessions.clone(),
            active: grants.active.clone(),
            loaded: grants.loaded,
        };
        next.sessions.insert(session_hash, token);
        next.active.insert(token);
        *grants = Arc::new(next);
    });
    let cookie = format!(
        "{COOKIE}={session}; HttpOnly; SameSite=Strict; Path=/; Max-Age={COOKIE_MAX_AGE_S}"
    );
    let Ok(cookie) = HeaderValue::from_str(&cookie) else {
        return auth.unavailable();
    };
    (
        StatusCode::SEE_OTHER,
        [
            (header::LOCATION, HeaderValue::from_static("/")),
            (header::SET_COOKIE, cookie),
            (header::CACHE_CONTROL, HeaderValue::from_static("no-store")),
        ],
    )
        .into_response()
}
