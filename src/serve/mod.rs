//! `belong serve`: a local preview of the hub that keeps up with typing.
//!
//! 1. Binds the address first, so a port in use is the first thing said.
//! 2. Starts watching the files (`watch`), then builds the site in memory
//!    (`preview`): nothing is written to disk, so `public/` is never touched
//!    and stopping the server leaves nothing behind.
//! 3. Answers requests on a fixed set of threads (`http`), rendering each
//!    file when first asked for.
//! 4. For each batch of saves: updates what changed, tells open pages
//!    (`live`), then makes the search index again and tells the search page.
//!
//! A build with errors never stops the server: the last good site stays and
//! every open page shows the errors over it.

mod http;
mod live;
mod preview;
mod watch;

use std::net::{IpAddr, SocketAddr};
use std::sync::Arc;
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use anyhow::{Context as _, Result, anyhow};

use crate::Options;
use crate::model::Changes;

pub use http::{Target, resolve};
pub use live::Pages;
pub use preview::{Live, Lookup, Preview, Update, index_search};

/// Threads answering requests. Pages render in a few milliseconds, and a
/// live-reload stream does not hold one, so a few are plenty for one author.
const WORKERS: usize = 4;

/// How often open pages get a keep-alive comment, which also finds the ones
/// closed (the second write to a closed connection fails), so their
/// connection threads end.
const PING: Duration = Duration::from_secs(4);

/// What `belong serve` is asked to do.
#[derive(Clone, Debug)]
pub struct ServeOptions {
    pub build: Options,
    pub bind: IpAddr,
    pub port: u16,
    /// Open the preview in the default browser once it is up.
    pub open: bool,
}

/// What the preview reports as it runs, for the command line to print.
pub enum Event<'a> {
    /// The server is up, with the address to open and how the first build
    /// went; `editor` when the hub's `[cms]` has `local = true`.
    Started { url: String, millis: u128, update: &'a Update, editor: bool },
    /// One batch of changes was applied (or failed: `update.problems`).
    Updated { what: String, millis: u128, update: &'a Update },
    /// The search index was made again after an update.
    Indexed { millis: u128 },
    /// `--open` could not start a browser: why, with the address to open.
    NoBrowser(String),
}

/// Runs the preview until the process is stopped. Errors are failures of
/// the machine: the port, the file watcher.
pub fn serve(options: &ServeOptions, report: &dyn Fn(Event)) -> Result<()> {
    let address = SocketAddr::new(options.bind, options.port);
    let server = bind(address)?;
    // Port 0 asks the system for a free one: the address printed is the real one.
    let port = server.server_addr().to_ip().map_or(options.port, |address| address.port());
    let server = Arc::new(server);
    let live = Arc::new(Live::default());
    let pages = Arc::new(live::Pages::default());
    let started_at = SystemTime::now().duration_since(UNIX_EPOCH).map_or(0, |time| time.as_nanos());
    let server_id = format!("{:x}-{:x}", started_at, std::process::id());
    let mut watcher = watch::watch(&options.build.root)?;
    for _ in 0..WORKERS {
        let server = server.clone();
        let context = http::Context { live: live.clone(), pages: pages.clone(), server: server_id.clone() };
        std::thread::spawn(move || {
            while let Ok(request) = server.recv() {
                http::handle(request, &context);
            }
        });
    }
    let mut preview = Preview::new(options.build.hub());
    let started = Instant::now();
    let update = preview.update(&live, &Changes::default(), &pages.files());
    let (base_path, editor) = {
        let served = live.read();
        let cms = served.model.as_ref().and_then(|model| model.site().config.cms.as_ref());
        (served.base_path.clone(), cms.is_some_and(|cms| cms.local))
    };
    let host = match options.bind {
        IpAddr::V6(ip) => format!("[{ip}]"),
        IpAddr::V4(ip) => ip.to_string(),
    };
    let url = format!("http://{host}:{port}{base_path}");
    pages.announce(&live, &update, &base_path);
    if update.problems.is_empty() {
        index_search(&live);
    }
    report(Event::Started { url: url.clone(), millis: started.elapsed().as_millis(), update: &update, editor });
    if options.open
        && let Err(error) = open_browser(&url)
    {
        report(Event::NoBrowser(format!("{error:#}")));
    }
    loop {
        let Some(changes) = watcher.next(PING)? else {
            pages.ping();
            continue;
        };
        let started = Instant::now();
        let update = preview.update(&live, &changes, &pages.files());
        let base_path = live.read().base_path.clone();
        pages.announce(&live, &update, &base_path);
        report(Event::Updated { what: changes.describe(), millis: started.elapsed().as_millis(), update: &update });
        if update.problems.is_empty() {
            let started = Instant::now();
            index_search(&live);
            report(Event::Indexed { millis: started.elapsed().as_millis() });
        }
    }
}

/// Listens on `address`, or says why not in words an author can act on.
fn bind(address: SocketAddr) -> Result<tiny_http::Server> {
    let listener = listen(address).map_err(|error| match error.kind() {
        std::io::ErrorKind::AddrInUse => anyhow!(
            "port {} is already in use on {}: another preview may be running. \
             Stop it, or choose another port: belong serve --port {}",
            address.port(),
            address.ip(),
            address.port().wrapping_add(1).max(1024)
        ),
        std::io::ErrorKind::AddrNotAvailable => anyhow!(
            "cannot listen on {}: this machine has no such address. Use --bind 127.0.0.1 (or ::1)",
            address.ip()
        ),
        _ => anyhow!("cannot listen on {address}: {error}"),
    })?;
    tiny_http::Server::from_listener(listener, None).map_err(|error| anyhow!("cannot listen on {address}: {error}"))
}

/// A listening socket whose connections send each response at once.
/// tiny_http writes a response's headers and body apart; with Nagle's
/// algorithm on, the body's last packet then waits for the browser's
/// delayed acknowledgement, 40 ms on every request of a kept-alive
/// connection. Connections take the listener's `TCP_NODELAY`.
fn listen(address: SocketAddr) -> std::io::Result<std::net::TcpListener> {
    let socket = socket2::Socket::new(socket2::Domain::for_address(address), socket2::Type::STREAM, None)?;
    if address.is_ipv6() {
        socket.set_only_v6(true)?;
    }
    // As std's TcpListener does on Unix: a restarted preview can take its
    // port back at once. (On Windows the same option would let two share it.)
    #[cfg(unix)]
    socket.set_reuse_address(true)?;
    socket.set_tcp_nodelay(true)?;
    socket.bind(&address.into())?;
    socket.listen(128)?;
    Ok(socket.into())
}

/// Opens `url` in the default browser; an error says to open it by hand.
pub fn open_browser(url: &str) -> Result<()> {
    let (program, arguments): (&str, Vec<&str>) = if cfg!(target_os = "macos") {
        ("open", vec![url])
    } else if cfg!(windows) {
        ("cmd", vec!["/C", "start", "", url])
    } else {
        ("xdg-open", vec![url])
    };
    std::process::Command::new(program)
        .args(arguments)
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .with_context(|| format!("cannot start a browser ({program}); open {url} yourself"))?;
    Ok(())
}
