//! `report --external`: each web address the hub links to, asked for once
//! (HEAD, then GET when HEAD is refused), at most 4 at a time and one
//! request a second to any one host, each given 10 seconds; what each
//! answered is kept a day in the cache folder, so a second run asks again
//! only for addresses it has not seen that day.
//!
//! Requests go through the proxy the environment names (`HTTPS_PROXY`,
//! `HTTP_PROXY`, `ALL_PROXY`, with `NO_PROXY`), as NHS networks need; the
//! tests reach their own servers the same way. Addresses on the author's
//! own computer are never asked for (`check` refuses them as links).

use std::collections::{BTreeMap, VecDeque};
use std::path::Path;
use std::sync::Mutex;
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use serde::{Deserialize, Serialize};

/// Requests in flight at once, over every host.
const AT_ONCE: usize = 4;
/// The least time between two requests to one host.
const PER_HOST: Duration = Duration::from_secs(1);
/// How long an address has to answer.
const TIME_OUT: Duration = Duration::from_secs(10);
/// How long an answer is kept.
const KEEP_FOR: u64 = 24 * 60 * 60;
/// The cache file, under the hub's folder.
pub const CACHE: &str = ".belong-cache/links.json";

/// What an address answered.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "answer", rename_all = "kebab-case")]
pub enum Outcome {
    /// A 2xx answer.
    Fine { status: u16 },
    /// A 3xx answer, and where it sends readers.
    Redirected { status: u16, location: String },
    /// A 4xx or 5xx answer.
    Broken { status: u16 },
    /// No answer: no such host, no connection, a time-out.
    Failed { reason: String },
}

#[derive(Debug, Default, Serialize, Deserialize)]
struct Cache {
    /// Each address's answer, and when (seconds since 1970) it was had.
    answers: BTreeMap<String, (u64, Outcome)>,
}

/// What was asked this run, and what every address answered.
#[derive(Debug, Default)]
pub struct Checked {
    pub outcomes: BTreeMap<String, Outcome>,
    /// How many addresses were asked (not answered from the cache).
    pub asked: usize,
    /// Why the answers could not be kept, when they could not.
    pub not_kept: Option<String>,
}

/// Asks every address of `addresses` that the cache under `root` has no
/// answer for from the last day, and keeps the answers there.
pub fn check(addresses: &[String], root: &Path) -> Checked {
    let path = root.join(CACHE);
    let now = SystemTime::now().duration_since(UNIX_EPOCH).map_or(0, |since| since.as_secs());
    let mut cache: Cache =
        std::fs::read(&path).ok().and_then(|bytes| serde_json::from_slice(&bytes).ok()).unwrap_or_default();
    cache.answers.retain(|_, (when, _)| now.saturating_sub(*when) < KEEP_FOR);
    let mut checked = Checked::default();
    let mut wanted = Vec::new();
    for address in addresses {
        match cache.answers.get(address) {
            Some((_, outcome)) => {
                checked.outcomes.insert(address.clone(), outcome.clone());
            }
            None if !is_local(address) => wanted.push(address.clone()),
            None => {}
        }
    }
    checked.asked = wanted.len();
    for (address, outcome) in ask_all(wanted) {
        cache.answers.insert(address.clone(), (now, outcome.clone()));
        checked.outcomes.insert(address, outcome);
    }
    if checked.asked > 0
        && let Err(error) = keep(&cache, &path)
    {
        checked.not_kept = Some(format!("cannot write {}: {error}", path.display()));
    }
    checked
}

/// Writes the cache whole, so a run stopped half way leaves the last one.
fn keep(cache: &Cache, path: &Path) -> std::io::Result<()> {
    if let Some(folder) = path.parent() {
        std::fs::create_dir_all(folder)?;
    }
    let temporary = path.with_extension("json.partial");
    std::fs::write(&temporary, serde_json::to_vec(cache).unwrap_or_default())?;
    std::fs::rename(&temporary, path)
}

/// Asks each address, a host's addresses one after another a second
/// apart, `AT_ONCE` hosts at a time.
fn ask_all(addresses: Vec<String>) -> Vec<(String, Outcome)> {
    let mut by_host: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for address in addresses {
        by_host.entry(host(&address)).or_default().push(address);
    }
    let queue = Mutex::new(by_host.into_values().collect::<VecDeque<_>>());
    let answers = Mutex::new(Vec::new());
    let agent = agent();
    std::thread::scope(|scope| {
        for _ in 0..AT_ONCE {
            scope.spawn(|| {
                while let Some(host) = queue.lock().ok().and_then(|mut queue| queue.pop_front()) {
                    let mut last: Option<Instant> = None;
                    for address in host {
                        let outcome = ask(&agent, &address, &mut last);
                        if let Ok(mut answers) = answers.lock() {
                            answers.push((address, outcome));
                        }
                    }
                }
            });
        }
    });
    answers.into_inner().unwrap_or_default()
}

fn agent() -> ureq::Agent {
    ureq::Agent::config_builder()
        .timeout_global(Some(TIME_OUT))
        .max_redirects(0)
        .http_status_as_error(false)
        .user_agent(concat!("belong/", env!("CARGO_PKG_VERSION"), " (link check of a knowledge hub)"))
        .build()
        .new_agent()
}

/// HEAD, then GET when HEAD is refused (some servers answer HEAD with 403,
/// 404 or 405 and GET with the page).
fn ask(agent: &ureq::Agent, address: &str, last: &mut Option<Instant>) -> Outcome {
    let head = request(agent, address, true, last);
    match head {
        Outcome::Broken { .. } => request(agent, address, false, last),
        outcome => outcome,
    }
}

fn request(agent: &ureq::Agent, address: &str, head: bool, last: &mut Option<Instant>) -> Outcome {
    if let Some(previous) = *last {
        std::thread::sleep(PER_HOST.saturating_sub(previous.elapsed()));
    }
    *last = Some(Instant::now());
    let answer = if head { agent.head(address).call() } else { agent.get(address).call() };
    match answer {
        Ok(response) => {
            let status = response.status().as_u16();
            let location = response.headers().get("location").and_then(|value| value.to_str().ok());
            match status {
                200..=299 => Outcome::Fine { status },
                300..=399 => Outcome::Redirected { status, location: location.unwrap_or_default().to_string() },
                _ => Outcome::Broken { status },
            }
        }
        Err(error) => Outcome::Failed { reason: reason(&error) },
    }
}

/// Why an address did not answer, in words.
fn reason(error: &ureq::Error) -> String {
    match error {
        ureq::Error::Timeout(_) => format!("did not answer within {} seconds", TIME_OUT.as_secs()),
        ureq::Error::HostNotFound => "no such host".to_string(),
        ureq::Error::Io(error) => format!("could not connect ({error})"),
        ureq::Error::BadUri(_) => "not a valid web address".to_string(),
        error => format!("could not be reached ({error})"),
    }
}

/// The host of an address, lower-cased: what the one-a-second rule counts by.
fn host(address: &str) -> String {
    crate::markdown::web_host(&address.to_lowercase()).unwrap_or_default().to_string()
}

/// An address on the author's own computer, never asked for: the addresses
/// `check` refuses as links.
fn is_local(address: &str) -> bool {
    crate::markdown::local_address(&address.to_lowercase()).is_some()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hosts_are_counted_without_user_port_or_case() {
        assert_eq!(host("https://User@Example.ORG:8443/a?b#c"), "example.org");
        assert_eq!(host("http://[::1]:80/x"), "::1");
        assert_eq!(host("https://www.nhs.uk"), "www.nhs.uk");
        assert!(is_local("http://127.0.0.1:1111/"));
        assert!(is_local("http://LOCALHOST/x"));
        assert!(!is_local("https://127.nhs.uk/"));
    }

    #[test]
    fn answers_of_the_last_day_are_kept_and_older_ones_let_go() {
        let root = tempfile::tempdir().unwrap();
        // Addresses on this computer are never asked for: only the cache
        // can answer them.
        let (stale, fresh) = ("http://127.0.0.1:9/stale".to_string(), "http://127.0.0.1:9/fresh".to_string());
        let now = SystemTime::now().duration_since(UNIX_EPOCH).unwrap().as_secs();
        let mut cache = Cache::default();
        cache.answers.insert(stale.clone(), (now - KEEP_FOR - 5, Outcome::Broken { status: 404 }));
        cache.answers.insert(fresh.clone(), (now - KEEP_FOR + 60, Outcome::Fine { status: 200 }));
        std::fs::create_dir_all(root.path().join(".belong-cache")).unwrap();
        std::fs::write(root.path().join(CACHE), serde_json::to_vec(&cache).unwrap()).unwrap();
        let checked = check(&[stale, fresh.clone()], root.path());
        assert_eq!(checked.asked, 0);
        assert_eq!(checked.outcomes, BTreeMap::from([(fresh, Outcome::Fine { status: 200 })]));
    }
}
