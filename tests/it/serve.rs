//! `belong serve` as a browser and an attacker meet it: the real binary on a
//! real port, spoken to with raw HTTP so no client tidies the URL first.
//! Traversal in every spelling, refused methods and bodies, a port in use,
//! a sub-path base URL, load (500 requests at once, 100 open live-reload
//! streams), and editors' save patterns ending in the same bytes as a clean
//! build.

use std::fs;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use crate::common::{copy_tree, fixture, repo};

/// A running `belong serve`, stopped when dropped.
struct Server {
    child: Child,
    port: u16,
    log: Arc<Mutex<String>>,
    _dir: tempfile::TempDir,
    root: PathBuf,
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Copies `fixture` (or the real hub, for `hub`), lets `prepare` change it,
/// and serves it on a port the system picks once the preview says it is serving.
fn serve(fixture_name: &str, extra: &[&str], prepare: impl FnOnce(&Path)) -> Server {
    let belong = Command::new(env!("CARGO_BIN_EXE_belong"));
    serve_with(belong, fixture_name, extra, prepare)
}

/// `serve`, with `belong` the command that runs the binary (a shell that
/// changes how it starts it, say).
fn serve_with(mut belong: Command, fixture_name: &str, extra: &[&str], prepare: impl FnOnce(&Path)) -> Server {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("site");
    if fixture_name == "hub" {
        copy_tree(&repo().join("content"), &root.join("content"));
        fs::copy(repo().join("site.toml"), root.join("site.toml")).unwrap();
    } else {
        copy_tree(&fixture(fixture_name), &root);
    }
    prepare(&root);
    let mut child =
        belong.args(["serve", "--port", "0"]).args(extra).current_dir(&root).stderr(Stdio::piped()).spawn().unwrap();
    let log = Arc::new(Mutex::new(String::new()));
    let stderr = child.stderr.take().unwrap();
    let writer = log.clone();
    std::thread::spawn(move || {
        for line in BufReader::new(stderr).lines().map_while(Result::ok) {
            writer.lock().unwrap().push_str(&format!("{line}\n"));
        }
    });
    let mut server = Server { child, port: 0, log, _dir: dir, root };
    server.wait_for_log("serving http://");
    let log = server.log();
    let address = log.split("serving http://").nth(1).and_then(|rest| rest.split('/').next()).unwrap_or_default();
    server.port = address.rsplit(':').next().and_then(|port| port.parse().ok()).expect("the port served on");
    server
}

impl Server {
    fn log(&self) -> String {
        self.log.lock().unwrap().clone()
    }

    /// Waits until the log has `text` `times` times.
    fn wait_for_log_count(&self, text: &str, times: usize) {
        let started = Instant::now();
        while self.log().matches(text).count() < times {
            assert!(started.elapsed() < Duration::from_secs(60), "no {text:?} in the log:\n{}", self.log());
            std::thread::sleep(Duration::from_millis(10));
        }
    }

    /// Waits until the server has printed nothing for a while: the last
    /// update and its search index are done.
    fn settle(&self) {
        let mut last = self.log();
        loop {
            std::thread::sleep(Duration::from_millis(700));
            let now = self.log();
            if now == last {
                return;
            }
            last = now;
        }
    }

    fn wait_for_log(&self, text: &str) {
        self.wait_for_log_count(text, 1);
    }

    /// Sends `request` as it is and returns the status, headers and body.
    fn raw(&self, request: &str) -> (u16, String, Vec<u8>) {
        let mut stream = TcpStream::connect(("127.0.0.1", self.port)).unwrap();
        stream.set_read_timeout(Some(Duration::from_secs(20))).unwrap();
        stream.write_all(request.as_bytes()).unwrap();
        let mut response = Vec::new();
        let _ = stream.read_to_end(&mut response);
        let split = response.windows(4).position(|window| window == b"\r\n\r\n").expect("a complete response");
        let head = String::from_utf8_lossy(&response[..split]).into_owned();
        let status = head.split(' ').nth(1).and_then(|code| code.parse().ok()).unwrap_or(0);
        (status, head, response[split + 4..].to_vec())
    }

    fn get(&self, target: &str) -> (u16, String, Vec<u8>) {
        self.raw(&format!("GET {target} HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n"))
    }

    fn text(&self, target: &str) -> String {
        String::from_utf8_lossy(&self.get(target).2).into_owned()
    }

    /// Polls `target` until its body contains `text`.
    fn wait_for_text(&self, target: &str, text: &str) {
        let started = Instant::now();
        while !self.text(target).contains(text) {
            assert!(started.elapsed() < Duration::from_secs(30), "{target} never showed {text:?}:\n{}", self.log());
            std::thread::sleep(Duration::from_millis(20));
        }
    }
}

/// A server thread count, from /proc (Linux only, where CI runs).
fn threads(server: &Server) -> usize {
    fs::read_dir(format!("/proc/{}/task", server.child.id())).map(|tasks| tasks.count()).unwrap_or(0)
}

#[test]
fn no_spelling_of_a_path_reaches_a_file_outside_the_site() {
    let server = serve("basic", &[], |root| {
        fs::create_dir_all(root.join("static")).unwrap();
        #[cfg(unix)]
        {
            std::os::unix::fs::symlink("/etc/passwd", root.join("static/passwd.txt")).unwrap();
            std::os::unix::fs::symlink("/etc", root.join("content/etc")).unwrap();
        }
    });
    let secret_markers = ["root:", "[site]", "base_url", "---\ntitle"];
    for target in [
        "/../site.toml",
        "/../../../../etc/passwd",
        "/%2e%2e/site.toml",
        "/%2E%2E/%2E%2E/etc/passwd",
        "/.%2e/site.toml",
        "/case-studies/..%2f..%2fsite.toml",
        "/case-studies%2F..%2F..%2Fsite.toml",
        "/..%5csite.toml",
        "/..\\site.toml",
        "/case-studies/%5c..%5c..%5csite.toml",
        "//etc/passwd",
        "/%2fetc%2fpasswd",
        "/C:/Windows/win.ini",
        "/%00/etc/passwd",
        "/site.toml",
        "/content/case-studies/eeast.md",
        "/static/passwd.txt",
        "/passwd.txt",
        "/etc/passwd",
        "/content/etc/passwd",
        "http://localhost/../site.toml",
    ] {
        let (status, head, body) = server.get(target);
        let body = String::from_utf8_lossy(&body);
        assert!(matches!(status, 400 | 404), "{target}: {status}\n{head}");
        for marker in secret_markers {
            assert!(!body.contains(marker), "{target} served something outside the site: {body}");
        }
    }
    // The pages themselves are served, and folders without their slash
    // are sent to it, at an address from the site's own table.
    assert_eq!(server.get("/case-studies/eeast/").0, 200);
    let (status, head, _) = server.get("/case-studies/eeast");
    assert_eq!(status, 301);
    assert!(head.contains("Location: /case-studies/eeast/\r"), "{head}");
    assert_eq!(server.get("/case-studies/eeast/index.html").0, 200);
}

#[test]
fn only_get_and_head_without_bodies_are_answered() {
    let server = serve("basic", &[], |_| {});
    let (status, head, _) =
        server.raw("POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\nConnection: close\r\n\r\nabc");
    assert_eq!(status, 405, "{head}");
    assert!(head.contains("Allow: GET, HEAD"), "{head}");
    for method in ["PUT", "DELETE", "OPTIONS", "PATCH", "TRACE"] {
        let (status, ..) = server.raw(&format!("{method} / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"));
        assert_eq!(status, 405, "{method}");
    }
    let (status, ..) = server.raw("GET / HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\nConnection: close\r\n\r\nhello");
    assert_eq!(status, 400);
    let chunked = "GET / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n0\r\n\r\n";
    assert_eq!(server.raw(chunked).0, 400);
    // Request data never reaches a response header.
    let (status, head, _) = server.get("/case-studies/eeast%0d%0aSet-Cookie:%20x=1");
    assert_eq!(status, 400);
    assert!(!head.to_ascii_lowercase().contains("set-cookie"), "{head}");
    let (status, head, _) = server.get("/case-studies%0d%0aLocation:%20http://evil/");
    assert!(!head.contains("evil"), "{status} {head}");
    // HEAD has the headers and no body.
    let (status, head, body) = server.raw("HEAD /case-studies/eeast/ HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
    assert_eq!(status, 200);
    assert!(head.contains("text/html"), "{head}");
    assert!(body.is_empty());
    // Content types, and the 404 page for misses.
    assert!(server.get("/style.css").1.contains("Content-Type: text/css"));
    assert!(server.get("/feed.xml").1.contains("Content-Type: application/xml"));
    let (status, _, body) = server.get("/no/such/page/");
    assert_eq!(status, 404);
    assert!(String::from_utf8_lossy(&body).contains("Page not found"));
}

#[test]
fn a_port_in_use_is_an_error_that_suggests_another() {
    let taken = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = taken.local_addr().unwrap().port().to_string();
    let output = Command::new(env!("CARGO_BIN_EXE_belong"))
        .args(["serve", "--root", &fixture("basic").to_string_lossy(), "--port", &port])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains(&format!("port {port} is already in use")), "{stderr}");
    assert!(stderr.contains("--port"), "{stderr}");
}

#[test]
fn a_sub_path_base_url_is_served_under_its_path_with_live_reload() {
    let server = serve("basic", &["--base-url", "https://trust.nhs.uk/belonging/"], |_| {});
    let home = server.text("/belonging/");
    assert!(home.contains("href=\"/belonging/case-studies/\""), "{home}");
    assert!(home.contains("<script src=\"/belonging/__belong/live.js\""), "{home}");
    let (status, head, _) = server.get("/");
    assert_eq!(status, 301);
    assert!(head.contains("Location: /belonging/\r"), "{head}");
    assert_eq!(server.get("/belonging/__belong/live.js").0, 200);
    assert_eq!(server.get("/case-studies/eeast/").0, 404);
    assert_eq!(server.get("/belonging/case-studies/eeast/").0, 200);
    // The build itself never carries the script.
    let output = Command::new(env!("CARGO_BIN_EXE_belong"))
        .args(["build", "--output", &server.root.join("out").to_string_lossy()])
        .current_dir(&server.root)
        .output()
        .unwrap();
    assert!(output.status.success());
    for entry in walkdir::WalkDir::new(server.root.join("out")).into_iter().filter_map(Result::ok) {
        if entry.file_type().is_file() {
            let text = String::from_utf8_lossy(&fs::read(entry.path()).unwrap()).into_owned();
            assert!(!text.contains("__belong"), "{} has the live-reload script", entry.path().display());
        }
    }
}

/// The generation a page says it was served from, as its live-reload
/// script reads it.
fn generation_of(server: &Server, page: &str) -> u64 {
    let html = server.text(page);
    let start = html.find("data-generation=\"").expect("a generation on the page") + "data-generation=\"".len();
    html[start..].split('"').next().unwrap().parse().unwrap()
}

/// Opens the live-reload stream of a page at `page` served from
/// `generation`, and reads what it is told first (its hello, and anything
/// sent with it).
fn connect(server: &Server, page: &str, generation: u64) -> (TcpStream, String) {
    let mut stream = TcpStream::connect(("127.0.0.1", server.port)).unwrap();
    stream.set_read_timeout(Some(Duration::from_secs(20))).unwrap();
    let request = format!(
        "GET /__belong/events?page={page}&generation={generation} HTTP/1.1\r\nHost: x\r\nAccept: text/event-stream\r\n\r\n"
    );
    stream.write_all(request.as_bytes()).unwrap();
    let mut seen = Vec::new();
    let mut buffer = [0; 1024];
    while !String::from_utf8_lossy(&seen).contains("event: hello") || !seen.ends_with(b"\n\n") {
        let read = stream.read(&mut buffer).unwrap();
        assert!(read > 0, "the stream closed: {}", String::from_utf8_lossy(&seen));
        seen.extend_from_slice(&buffer[..read]);
    }
    let seen = String::from_utf8_lossy(&seen).into_owned();
    assert!(seen.starts_with("HTTP/1.1 200"), "{seen}");
    (stream, seen)
}

/// Opens a live-reload stream as a browser that has just loaded `page` does.
fn open_stream(server: &Server, page: &str) -> TcpStream {
    let (stream, seen) = connect(server, page, generation_of(server, page));
    assert!(!seen.contains("event: reload"), "a page just loaded is current: {seen}");
    stream
}

/// Reads a stream until `text` arrives.
fn read_until(stream: &mut TcpStream, text: &str) -> String {
    let mut seen = Vec::new();
    let mut buffer = [0; 1024];
    while !String::from_utf8_lossy(&seen).contains(text) {
        let read = stream.read(&mut buffer).unwrap_or(0);
        assert!(read > 0, "no {text:?} before the stream ended: {}", String::from_utf8_lossy(&seen));
        seen.extend_from_slice(&buffer[..read]);
    }
    String::from_utf8_lossy(&seen).into_owned()
}

#[test]
fn a_page_that_missed_an_update_while_it_connected_is_told_to_reload_at_once() {
    let server = serve("basic", &[], |_| {});
    let page = "/case-studies/eeast/";
    let loaded = generation_of(&server, page);
    let file = server.root.join("content/case-studies/eeast.md");
    let text = fs::read_to_string(&file).unwrap();
    fs::write(&file, format!("{text}\nSaved before the stream connected.\n")).unwrap();
    server.wait_for_text(page, "Saved before the stream connected.");
    // The page loaded before the save connects now: it is stale.
    let (_, seen) = connect(&server, page, loaded);
    assert!(seen.contains("event: reload"), "{seen}");
    // The page as it is now is current, and stays so when another page changes.
    let (mut current, seen) = connect(&server, page, generation_of(&server, page));
    assert!(!seen.contains("event: reload"), "{seen}");
    let other = server.root.join("content/toolkits");
    let toolkit = fs::read_dir(&other)
        .unwrap()
        .map(|entry| entry.unwrap().path())
        .find(|path| path.extension().is_some_and(|extension| extension == "md") && !path.ends_with("_index.md"));
    let toolkit = toolkit.expect("a toolkit in the fixture");
    let toolkit_text = fs::read_to_string(&toolkit).unwrap();
    fs::write(&toolkit, format!("{toolkit_text}\nAnother page changed.\n")).unwrap();
    // An update's events end with the warnings (then a reload, when stale).
    let told = read_until(&mut current, "event: warnings");
    let told = if told.split("event: warnings").nth(1).is_some_and(|rest| rest.contains("\n\n")) {
        told
    } else {
        told + &read_until(&mut current, "\n\n")
    };
    let after = told.split("event: warnings").nth(1).unwrap_or_default();
    assert!(!told.contains("event: reload"), "{told}");
    assert!(after.contains("\n\n"), "{told}");
    // An address with no page, shown at the generation before a page is made
    // there, is stale once it is.
    let missing = "/case-studies/made-later/";
    assert_eq!(server.get(missing).0, 404);
    let before = generation_of(&server, missing);
    fs::write(
        server.root.join("content/case-studies/made-later.md"),
        text.replacen("title: \"", "title: \"Made later: ", 1),
    )
    .unwrap();
    server.wait_for_text(missing, "Made later: ");
    let (_, seen) = connect(&server, missing, before);
    assert!(seen.contains("event: reload"), "{seen}");
    // A 404 page open in a tab (kept, as every open page is, and unchanged
    // by the new page) reloads when a page is made at its address.
    let awaited = "/case-studies/made-while-open/";
    let mut open = open_stream(&server, awaited);
    fs::write(
        server.root.join("content/case-studies/made-while-open.md"),
        text.replacen("title: \"", "title: \"Made while open: ", 1),
    )
    .unwrap();
    read_until(&mut open, "event: reload");
    assert!(server.text(awaited).contains("Made while open: "));
    // And a page deleted before its stream connects is stale: its address
    // now shows the 404 page.
    let shown = generation_of(&server, missing);
    fs::remove_file(server.root.join("content/case-studies/made-later.md")).unwrap();
    server.wait_for_text(missing, "Page not found");
    let (_, seen) = connect(&server, missing, shown);
    assert!(seen.contains("event: reload"), "{seen}");
}

#[test]
fn five_hundred_requests_and_a_hundred_open_pages_at_once_leave_the_server_well() {
    let server = serve("basic", &[], |_| {});
    assert_eq!(server.get("/").0, 200);
    let before = threads(&server);
    let mut streams: Vec<TcpStream> = (0..100).map(|_| open_stream(&server, "/case-studies/eeast/")).collect();
    let port = server.port;
    let requests: Vec<_> = (0..500)
        .map(|number| {
            std::thread::spawn(move || {
                let target = if number % 2 == 0 { "/" } else { "/case-studies/eeast/" };
                let mut stream = TcpStream::connect(("127.0.0.1", port)).ok()?;
                stream.set_read_timeout(Some(Duration::from_secs(60))).ok()?;
                let request = format!("GET {target} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
                stream.write_all(request.as_bytes()).ok()?;
                let mut response = Vec::new();
                stream.read_to_end(&mut response).ok()?;
                Some(String::from_utf8_lossy(&response[..12.min(response.len())]).into_owned())
            })
        })
        .collect();
    let answered = requests.into_iter().filter_map(|request| request.join().ok().flatten()).collect::<Vec<_>>();
    assert_eq!(answered.len(), 500);
    assert!(answered.iter().all(|status| status == "HTTP/1.1 200"), "{answered:?}");
    // Every open page still hears about an edit.
    let page = server.root.join("content/case-studies/eeast.md");
    let text = fs::read_to_string(&page).unwrap();
    fs::write(&page, format!("{text}\nA paragraph added under load.\n")).unwrap();
    for stream in &mut streams {
        read_until(stream, "event: reload");
    }
    drop(streams);
    // Connection threads end a few seconds after their connections close.
    let started = Instant::now();
    while threads(&server) > before + 8 {
        assert!(started.elapsed() < Duration::from_secs(30), "{} threads, {before} before", threads(&server));
        std::thread::sleep(Duration::from_millis(500));
    }
    assert_eq!(server.get("/").0, 200);
}

/// The served site, with the live-reload script taken out, equals a clean
/// build of the same files.
fn assert_serves_the_build(server: &Server) {
    let public = server.root.join("clean");
    let output = Command::new(env!("CARGO_BIN_EXE_belong"))
        .args(["build", "--output", &public.to_string_lossy()])
        .current_dir(&server.root)
        .output()
        .unwrap();
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    for entry in walkdir::WalkDir::new(&public).into_iter().filter_map(Result::ok) {
        if !entry.file_type().is_file() || entry.file_name() == ".belong-output" {
            continue;
        }
        let relative = entry.path().strip_prefix(&public).unwrap().to_string_lossy().replace('\\', "/");
        let expected = fs::read(entry.path()).unwrap();
        let encoded = relative.replace('%', "%25").replace('#', "%23").replace(' ', "%20").replace('?', "%3F");
        let (status, _, mut served) = server.get(&format!("/{encoded}"));
        assert_eq!(status, 200, "/{relative}");
        if relative.ends_with(".html") {
            let text = String::from_utf8(served).unwrap();
            let start = text.find("<script src=\"/__belong/live.js\"").expect("the live-reload script");
            let end = start + text[start..].find("</script>\n").unwrap() + "</script>\n".len();
            served = format!("{}{}", &text[..start], &text[end..]).into_bytes();
        }
        assert!(served == expected, "/{relative} differs from a clean build's");
    }
    fs::remove_dir_all(&public).unwrap();
}

#[test]
fn editors_save_patterns_all_end_in_the_clean_build() {
    let server = serve("hub", &[], |_| {});
    let root = server.root.clone();
    let case = root.join("content/case-studies/las-belonging.md");
    let original = fs::read_to_string(&case).unwrap();

    // Written in place.
    fs::write(&case, original.replace("Values that staff own", "Values staff wrote")).unwrap();
    server.wait_for_text("/case-studies/las-belonging/", "Values staff wrote");
    // Written to a temporary file, then renamed over the page (vim, VS Code).
    let temporary = root.join("content/case-studies/.las-belonging.md.tmp");
    fs::write(&temporary, original.replace("Values that staff own", "Values renamed in")).unwrap();
    fs::rename(&temporary, &case).unwrap();
    server.wait_for_text("/case-studies/las-belonging/", "Values renamed in");
    // Swap, backup and lock files beside it change nothing and break nothing.
    for junk in [".las-belonging.md.swp", "las-belonging.md~", ".#las-belonging.md", "#las-belonging.md#", "4913"] {
        fs::write(root.join("content/case-studies").join(junk), "not a page").unwrap();
    }
    // A new page, then a page deleted, then a folder renamed.
    let added = root.join("content/toolkits/added-by-test.md");
    let toolkit =
        fs::read_to_string(root.join("content/toolkits").join(first_md(&root.join("content/toolkits")))).unwrap();
    // Its front matter, with a body whose links cannot break when it moves.
    let front_matter_end = toolkit[4..].find("\n---\n").unwrap() + 9;
    let toolkit = format!("{}\nA page the test wrote.\n", &toolkit[..front_matter_end]);
    fs::write(&added, toolkit.replacen("title: \"", "title: \"Added by the test: ", 1)).unwrap();
    server.wait_for_text("/toolkits/", "Added by the test: ");
    fs::remove_file(&added).unwrap();
    let started = Instant::now();
    while server.text("/toolkits/").contains("Added by the test: ") {
        assert!(started.elapsed() < Duration::from_secs(30));
        std::thread::sleep(Duration::from_millis(20));
    }
    fs::create_dir_all(root.join("content/toolkits/bundle")).unwrap();
    fs::write(root.join("content/toolkits/bundle/index.md"), toolkit.replacen("title: \"", "title: \"Bundle: ", 1))
        .unwrap();
    server.wait_for_text("/toolkits/bundle/", "Bundle: ");
    fs::rename(root.join("content/toolkits/bundle"), root.join("content/toolkits/moved")).unwrap();
    server.wait_for_text("/toolkits/moved/", "Bundle: ");
    // A burst, as `git checkout` writes it: 200 files in one go.
    for number in 0..200 {
        let page = toolkit.replacen("title: \"", &format!("title: \"Burst {number}: "), 1);
        fs::write(root.join(format!("content/toolkits/burst-{number:03}.md")), page).unwrap();
    }
    server.wait_for_text("/toolkits/burst-199/", "Burst 199: ");
    server.settle();
    assert_serves_the_build(&server);
    assert!(!server.log().contains("panicked"), "{}", server.log());
}

fn first_md(dir: &Path) -> String {
    let mut names: Vec<String> = fs::read_dir(dir)
        .unwrap()
        .filter_map(Result::ok)
        .map(|entry| entry.file_name().to_string_lossy().into_owned())
        .filter(|name| name.ends_with(".md") && name != "_index.md")
        .collect();
    names.sort();
    names.remove(0)
}

/// Every path under `root`, for comparing a folder before and after.
fn listing(root: &Path) -> Vec<PathBuf> {
    let mut paths: Vec<PathBuf> =
        walkdir::WalkDir::new(root).into_iter().filter_map(Result::ok).map(|entry| entry.into_path()).collect();
    paths.sort();
    paths
}

/// Sends `signal` to the preview, and checks it stops within a second,
/// exit status 0, its port closed and nothing written.
fn stops_on(mut server: Server, signal: &str) {
    let before = listing(&server.root);
    assert_eq!(server.get("/case-studies/eeast/").0, 200);
    let page = server.root.join("content/case-studies/eeast.md");
    let text = fs::read_to_string(&page).unwrap();
    fs::write(&page, format!("{text}\nOne more line.\n")).unwrap();
    server.wait_for_text("/case-studies/eeast/", "One more line.");
    server.settle();
    let sent = Command::new("kill").args([&format!("-{signal}"), &server.child.id().to_string()]).status().unwrap();
    assert!(sent.success());
    let started = Instant::now();
    let status = loop {
        if let Some(status) = server.child.try_wait().unwrap() {
            break status;
        }
        assert!(started.elapsed() < Duration::from_secs(1), "still running a second after SIG{signal}");
        std::thread::sleep(Duration::from_millis(10));
    };
    assert!(status.success(), "SIG{signal}: {status}\n{}", server.log());
    // The same files as before, and no output folder: the preview wrote nothing.
    assert_eq!(listing(&server.root), before);
    assert!(TcpStream::connect(("127.0.0.1", server.port)).is_err(), "the port is still open");
}

#[test]
fn ctrl_c_stops_the_preview_and_leaves_nothing_behind() {
    stops_on(serve("basic", &[], |_| {}), "INT");
}

#[test]
fn sigterm_stops_the_preview_and_leaves_nothing_behind() {
    stops_on(serve("basic", &[], |_| {}), "TERM");
}

/// `belong` started as from a background job or `nohup`: with SIGINT ignored.
fn ignoring_sigint() -> Command {
    let mut shell = Command::new("sh");
    shell.args(["-c", "trap '' INT; exec \"$0\" \"$@\"", env!("CARGO_BIN_EXE_belong")]);
    shell
}

#[test]
fn a_preview_started_with_sigint_ignored_still_stops_on_ctrl_c_and_sigterm() {
    stops_on(serve_with(ignoring_sigint(), "basic", &[], |_| {}), "INT");
    stops_on(serve_with(ignoring_sigint(), "basic", &[], |_| {}), "TERM");
}

#[test]
fn the_preview_listens_on_ipv6_when_bound_to_it() {
    if TcpListener::bind("[::1]:0").is_err() {
        // This machine has no IPv6 loopback: nothing to listen on.
        return;
    }
    let server = serve("basic", &["--bind", "::1"], |_| {});
    assert!(server.log().contains(&format!("serving http://[::1]:{}/", server.port)), "{}", server.log());
    let mut stream = TcpStream::connect(("::1", server.port)).unwrap();
    stream.write_all(b"GET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n").unwrap();
    let mut response = String::new();
    stream.read_to_string(&mut response).unwrap();
    assert!(response.starts_with("HTTP/1.1 200"), "{response}");
    assert!(TcpStream::connect(("127.0.0.1", server.port)).is_err(), "bound to ::1 only");
}

#[test]
fn open_pages_beyond_the_cap_are_told_to_try_again_later() {
    let server = serve("basic", &[], |_| {});
    let _open: Vec<TcpStream> = (0..256).map(|_| open_stream(&server, "/")).collect();
    let (status, _, body) = server.get("/__belong/events?page=/");
    assert_eq!(status, 503);
    assert!(String::from_utf8_lossy(&body).contains("try again"));
    // Pages themselves are still served.
    assert_eq!(server.get("/case-studies/eeast/").0, 200);
    let (status, head, body) = server.raw("HEAD /__belong/events HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
    assert_eq!(status, 200, "{head}");
    assert!(body.is_empty());
}

#[test]
fn a_hub_that_starts_broken_answers_every_address_with_its_errors() {
    let server = serve("basic", &[], |root| {
        let page = root.join("content/case-studies/eeast.md");
        let text = fs::read_to_string(&page).unwrap();
        fs::write(&page, text.replacen("date: 2023-08-14", "date: 2023-14-08", 1)).unwrap();
    });
    assert!(server.log().contains("the hub did not build"), "{}", server.log());
    for target in ["/", "/case-studies/eeast/", "/no/such/page/"] {
        let (status, head, body) = server.get(target);
        let body = String::from_utf8_lossy(&body);
        assert_eq!(status, 500, "{target}");
        assert!(head.contains("text/html"), "{head}");
        assert!(body.contains("<h1>The hub did not build</h1>"), "{body}");
        assert!(body.contains("content/case-studies/eeast.md, line 7"), "{body}");
        assert!(body.contains("(field <code>date</code>)"), "{body}");
        assert!(body.contains("<script src=\"/__belong/live.js\""), "{body}");
    }
    // A page hears the errors as it connects, for the overlay.
    let mut events = TcpStream::connect(("127.0.0.1", server.port)).unwrap();
    events.set_read_timeout(Some(Duration::from_secs(20))).unwrap();
    events.write_all(b"GET /__belong/events?page=/ HTTP/1.1\r\nHost: x\r\n\r\n").unwrap();
    let hello = read_until(&mut events, "}]}");
    assert!(hello.contains("event: hello"), "{hello}");
    assert!(hello.contains("\"file\":\"content/case-studies/eeast.md\",\"line\":7"), "{hello}");
}

#[test]
fn warnings_are_printed_once_counted_on_every_update_and_told_to_open_pages() {
    let server = serve("basic", &["--base-url", "https://trust.nhs.uk/"], |root| {
        let page = root.join("content/toolkits/allyship.md");
        let text = fs::read_to_string(&page).unwrap();
        fs::write(&page, format!("{text}\nFor the form, [click here](../case-studies/eeast.md).\n")).unwrap();
    });
    let log = server.log();
    assert!(log.contains("warning[W006 vague-link-text]"), "{log}");
    assert!(log.contains("0 errors, 1 warning in"), "{log}");
    let (mut stream, hello) = connect(&server, "/toolkits/allyship/", generation_of(&server, "/toolkits/allyship/"));
    assert!(hello.contains("\"warnings\":[{") && hello.contains("W006"), "{hello}");
    // A second warning: printed in full once, and both counted.
    let page = server.root.join("content/case-studies/eeast.md");
    let text = fs::read_to_string(&page).unwrap();
    fs::write(&page, format!("{text}\nSee [here](../toolkits/allyship.md).\n")).unwrap();
    server.wait_for_log("; 2 warnings");
    let told = read_until(&mut stream, "event: warnings");
    let told = told + &read_until(&mut stream, "\n\n");
    assert!(told.matches("\"code\":\"W006\"").count() == 2, "{told}");
    server.wait_for_log("search index made again");
    let log = server.log();
    assert_eq!(log.matches("warning[W006 vague-link-text]").count(), 2, "each warning is printed once:\n{log}");
    // A body edit elsewhere changes no warning: none is printed again.
    let other = server.root.join("content/case-studies/kent.md");
    let text = fs::read_to_string(&other).unwrap();
    fs::write(&other, format!("{text}\nOne more line.\n")).unwrap();
    server.wait_for_log_count("; 2 warnings", 2);
    assert_eq!(server.log().matches("warning[W006 vague-link-text]").count(), 2, "{}", server.log());
}
