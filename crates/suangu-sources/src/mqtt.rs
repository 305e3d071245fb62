//! The MQTT connector: QoS 1 subscriptions on a persistent session under a stable client id,
//! with manual acknowledgements. A message is acknowledged only after its point is durable in
//! the store, so whatever the broker held survives a crash of this process: unacknowledged
//! messages are delivered again, and the store keeps a repeated point once.
//!
//! Two tasks: the event loop (connects, reconnects with capped jittered backoff, keeps the link
//! alive) hands publishes to the worker, which reads them, stores them in batches and then
//! acknowledges them. The hand-over is unbounded on purpose: the broker bounds it (it sends at
//! most its in-flight window of unacknowledged QoS 1 messages), and the event loop must never
//! wait on the store, or the broker would drop the link for a missed keep-alive.

use crate::backoff;
use crate::health::{Health, Link};
use crate::payload;
use crate::route::Route;
use crate::secret;
use crate::writer::{WriteError, Writer};
use rumqttc::{
    AsyncClient, ConnectionError, Event, MqttOptions, Packet, Publish, QoS, TlsConfiguration,
    Transport,
};
use std::collections::HashMap;
use std::time::{Duration, Instant};
use suangu_core::sources::{MqttLink, PayloadFormat, Source};
use tokio::sync::{mpsc, watch};

/// Largest packet taken off the wire: MQTT's own maximum, so that any message the broker holds
/// is read, refused (above [`payload::MAX_PAYLOAD_BYTES`]) and acknowledged. A smaller limit
/// would drop the link on it, and the broker would deliver it again at every reconnect.
const MAX_PACKET_BYTES: usize = 268_435_455;
/// At most this many messages are stored in one durable write.
const MAX_BATCH: usize = 512;

/// Test hooks that stop the process at a chosen point, to prove what survives a crash.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Failpoints {
    /// Abort the process after this many durable batches, before acknowledging the last one.
    pub abort_before_ack_after_batches: Option<u64>,
}

/// One MQTT source, ready to run.
pub struct Mqtt {
    source: Source,
    link: MqttLink,
    routes: HashMap<String, Route>,
    writer: Writer,
    health: Health,
    failpoints: Failpoints,
}

impl Mqtt {
    /// `routes`: one per point ([`crate::route::routes`]).
    pub fn new(
        source: Source,
        link: MqttLink,
        routes: Vec<Route>,
        writer: Writer,
        health: Health,
        failpoints: Failpoints,
    ) -> Self {
        let routes = routes.into_iter().map(|r| (r.key.clone(), r)).collect();
        Self {
            source,
            link,
            routes,
            writer,
            health,
            failpoints,
        }
    }

    /// Run until `stop` turns true: connect, subscribe, store, acknowledge; reconnect when the
    /// link drops. Returns early only when the source is misconfigured.
    pub async fn run(self, mut stop: watch::Receiver<bool>) {
        let (source, link) = (&self.source, &self.link);
        let mut options = MqttOptions::new(&link.client_id, &link.host, link.port());
        if link.tls {
            match transport(link.ca_file.as_deref()) {
                Ok(t) => {
                    options.set_transport(t);
                }
                Err(reason) => {
                    tracing::error!(source = %source.id, "{reason}");
                    self.health.link(Link::Misconfigured { reason });
                    return;
                }
            }
        }
        options
            .set_keep_alive(Duration::from_secs(5))
            .set_clean_session(false)
            .set_manual_acks(true)
            .set_max_packet_size(MAX_PACKET_BYTES, 64 * 1024);
        if let Some(user) = &link.username {
            let password = match link.password_from() {
                Some(credential) => {
                    let got =
                        secret::obtain("password", credential, &source.id, &self.health, &mut stop);
                    match got.await {
                        Some(p) => p,
                        None => return,
                    }
                }
                None => String::new(),
            };
            options.set_credentials(user, password);
        }
        let (client, mut events) = AsyncClient::new(options, 256);
        let (handed, taken) = mpsc::unbounded_channel::<(Publish, i64)>();
        let worker = tokio::spawn(worker(
            taken,
            client.clone(),
            self.routes,
            link.payload,
            self.writer,
            self.health.clone(),
            self.failpoints,
            source.id.clone(),
        ));
        let topics: Vec<String> = source.points.iter().map(|p| p.key().to_owned()).collect();
        let mut attempt = 0u32;
        loop {
            let event = tokio::select! {
                _ = stop.wait_for(|s| *s) => break,
                event = events.poll() => event,
            };
            match event {
                Ok(Event::Incoming(Packet::ConnAck(ack))) => {
                    attempt = 0;
                    self.health.link(Link::Up);
                    tracing::info!(source = %source.id, session_present = ack.session_present, "connected");
                    // On every connection: a resumed session keeps its subscriptions (and what was
                    // queued meanwhile), but topics added to the file since must be asked for too;
                    // asking again for a held one changes nothing.
                    let filters = topics
                        .iter()
                        .map(|t| rumqttc::SubscribeFilter::new(t.clone(), QoS::AtLeastOnce));
                    if let Err(e) = client.try_subscribe_many(filters) {
                        tracing::error!(source = %source.id, "subscribing: {e}");
                        self.health.link(Link::Misconfigured {
                            reason: format!("subscribing: {e}"),
                        });
                    }
                }
                Ok(Event::Incoming(Packet::Publish(publish))) => {
                    // Stamped as it comes off the wire: a backlog is not one instant.
                    let arrived_ms = jiff::Timestamp::now().as_millisecond();
                    if handed.send((publish, arrived_ms)).is_err() {
                        break; // the worker has stopped (the store is gone)
                    }
                }
                Ok(Event::Incoming(Packet::SubAck(ack))) => {
                    let refused = ack
                        .return_codes
                        .iter()
                        .filter(|c| matches!(c, rumqttc::SubscribeReasonCode::Failure))
                        .count();
                    if refused > 0 {
                        let reason = format!(
                            "the broker refused {refused} of the subscriptions (check its ACL)"
                        );
                        tracing::error!(source = %source.id, "{reason}");
                        self.health.link(Link::Misconfigured { reason });
                    }
                }
                Ok(_) => {}
                Err(e) => {
                    if let ConnectionError::ConnectionRefused(code) = &e {
                        // Bad credentials or a refused client id will not mend by retrying fast;
                        // keep retrying slowly (the broker's users may be fixed), and say so.
                        tracing::error!(source = %source.id, "refused by the broker: {code:?}");
                    }
                    let wait = backoff::delay(attempt, backoff::random_unit());
                    self.health.link(Link::BackingOff {
                        attempt,
                        retry_in_ms: u64::try_from(wait.as_millis()).unwrap_or(u64::MAX),
                        error: e.to_string(),
                    });
                    tracing::warn!(source = %source.id, attempt, "link lost: {e}; retrying in {wait:?}");
                    attempt = attempt.saturating_add(1);
                    tokio::select! {
                        _ = stop.wait_for(|s| *s) => break,
                        _ = tokio::time::sleep(wait) => {}
                    }
                }
            }
        }
        drop(handed);
        // Store and acknowledge what was handed over, the event loop still turning so the
        // acknowledgements leave (a message arriving now is not taken: it stays with the broker);
        // then leave the broker cleanly (the session stays for the next run).
        tokio::pin!(worker);
        loop {
            tokio::select! {
                _ = &mut worker => break,
                event = events.poll() => {
                    if event.is_err() {
                        tokio::time::sleep(Duration::from_millis(100)).await;
                    }
                }
            }
        }
        let _ = client.try_disconnect();
        let _ = tokio::time::timeout(Duration::from_secs(1), async {
            while events.poll().await.is_ok() {}
        })
        .await;
        self.health.link(Link::Stopped);
    }
}

/// Read, store in batches, then acknowledge.
#[allow(clippy::too_many_arguments)]
async fn worker(
    mut taken: mpsc::UnboundedReceiver<(Publish, i64)>,
    client: AsyncClient,
    routes: HashMap<String, Route>,
    format: PayloadFormat,
    writer: Writer,
    health: Health,
    failpoints: Failpoints,
    id: String,
) {
    let mut batch: Vec<(Publish, i64)> = Vec::with_capacity(MAX_BATCH);
    let mut stored = Vec::with_capacity(MAX_BATCH);
    let mut batches = 0u64;
    while let Some(first) = taken.recv().await {
        batch.clear();
        batch.push(first);
        while batch.len() < MAX_BATCH {
            match taken.try_recv() {
                Ok(p) => batch.push(p),
                Err(_) => break,
            }
        }
        let mut samples = Vec::with_capacity(batch.len());
        stored.clear();
        for (publish, arrived_ms) in &batch {
            let Some(route) = routes.get(&publish.topic) else {
                health.reject("unmapped_topic");
                tracing::warn!(source = %id, topic = %publish.topic, "a message on a topic this source does not map");
                continue;
            };
            match payload::parse(format, &publish.payload, *arrived_ms) {
                // A retained message is an old value sent again on subscribing: without its own
                // time it would be stored as measured now.
                Ok(reading) if publish.retain && !reading.timed => {
                    health.reject("retained_without_time");
                    tracing::info!(source = %id, topic = %publish.topic, "a retained message without its own time: not stored");
                }
                Ok(reading) => {
                    let (sample, quality) = route.sample(reading.source_ms, reading.value, false);
                    samples.push(sample);
                    stored.push((route.name.as_str(), reading.source_ms, quality));
                }
                Err(e) => {
                    health.reject(e.kind());
                    tracing::warn!(source = %id, topic = %publish.topic, "message refused: {e}");
                }
            }
        }
        // Nothing is acknowledged until the points are durable. A failing store is tried again
        // (storing is idempotent) rather than leaving messages unacknowledged on a live link,
        // where the broker would not deliver them again and its in-flight window would fill.
        let mut attempt = 0u32;
        while !samples.is_empty() {
            match writer.write(samples.clone()).await {
                Ok(()) => break,
                Err(WriteError::Stopped) => return,
                Err(e) => {
                    let wait = backoff::delay(attempt, backoff::random_unit());
                    tracing::error!(source = %id, attempt, "{e}; storing the batch again in {wait:?}");
                    attempt = attempt.saturating_add(1);
                    tokio::time::sleep(wait).await;
                }
            }
        }
        let now = Instant::now();
        for (series, source_ms, quality) in &stored {
            health.stored(series, *source_ms, *quality, now);
        }
        batches += 1;
        if failpoints.abort_before_ack_after_batches == Some(batches) {
            eprintln!(
                "failpoint: aborting after durable batch {batches}, before its acknowledgement"
            );
            std::process::abort();
        }
        for (publish, _) in &batch {
            if let Err(e) = client.ack(publish).await {
                tracing::warn!(source = %id, "acknowledging: {e}");
            }
        }
    }
}

/// TLS through the system's OpenSSL and trust store, plus the CA in `ca_file` (checked here, so
/// a missing or malformed file is a configuration error, not an endless reconnect).
fn transport(ca_file: Option<&str>) -> Result<Transport, String> {
    Ok(match ca_file {
        None => Transport::tls_with_config(TlsConfiguration::Native),
        Some(file) => {
            crate::http::read_ca(file)?;
            let ca = std::fs::read(file).map_err(|e| format!("ca_file {file}: {e}"))?;
            Transport::tls_with_config(TlsConfiguration::SimpleNative {
                ca,
                client_auth: None,
            })
        }
    })
}
