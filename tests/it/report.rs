//! `belong report`: a hub with one planted example of every finding, each
//! reported at its file and line, and nothing for the clean pages; with
//! `--external`, links checked through a proxy the test runs (so the test
//! reaches only its own server), and answered from the cache on a second run.

use std::collections::BTreeSet;
use std::io::{BufRead, BufReader, Write};
use std::net::{TcpListener, TcpStream};
use std::path::Path;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use crate::common::{belong, fixture};

const SITE: &str = r#"title = "Report hub"
base_url = "https://example.org/"
regions = ["London", "North West"]

[[themes]]
slug = "belonging"
name = "Belonging"

[[themes]]
slug = "allyship"
name = "Allyship"

[[themes]]
slug = "wellbeing"
name = "Wellbeing"

[[themes]]
slug = "retired"
name = "Retired theme"
"#;

/// A page of `kind` with every field a clean page has; `extra` adds front
/// matter, `body` is its text.
fn page(kind: &str, title: &str, extra: &str, body: &str) -> String {
    let outcomes = if kind == "case-study" {
        "outcomes:\n  - measure: \"Turnover\"\n    before: 14\n    after: 8\n    unit: \"%\"\n"
    } else {
        ""
    };
    let organisation = if extra.contains("organisation:") { "" } else { "organisation: \"Clean Trust\"\n" };
    let region = if extra.contains("region:") { "" } else { "region: \"London\"\n" };
    let themes = if extra.contains("themes:") { "" } else { "themes: [\"belonging\", \"allyship\"]\n" };
    format!(
        "---\ntitle: \"{title}\"\nsummary: \"A short summary.\"\n{themes}{organisation}{region}date: 2024-01-02\n\
         image: \"/pictures/team.png\"\nimage_alt: \"Staff talking at a network meeting\"\n{outcomes}{extra}---\n\n{body}\n"
    )
}

/// The line of `text` that holds `needle`.
fn line_of(text: &str, needle: &str) -> usize {
    text.lines().position(|line| line.contains(needle)).map(|index| index + 1).expect(needle)
}

/// The date `days` from today, as `YYYY-MM-DD`.
fn days_from_today(days: i64) -> String {
    let output = std::process::Command::new("date").args(["-u", "-d", &format!("{days} days"), "+%F"]).output();
    String::from_utf8(output.expect("date runs").stdout).unwrap().trim().to_string()
}

const LONG: &str = "The team met every week for a year to talk about how staff could feel that they belong \
                    and to plan what the trust would change next in its work.";
const QUOTED_LONG: &str = "We had to utilise every single forum we had, and every meeting, to hear what staff told \
                           us about belonging and about the changes they wanted to see.";

/// The hub: its clean pages link to every page but the orphan.
fn hub(dir: &Path) -> Vec<(String, String)> {
    let clean_links = "Read [B](clean-b.md), [the kit](../toolkits/clean-kit.md), [overdue](../toolkits/overdue.md), \
                       [soon](../toolkits/soon.md), [no outcomes](no-outcomes.md), [named](named-once.md), \
                       [no picture](../toolkits/no-picture.md), [alt](../toolkits/alt.md), [front-matter alt](../toolkits/alt-front.md), \
                       [long](../toolkits/long.md) and [words](../toolkits/words.md).";
    let quotes = format!("> {QUOTED_LONG}\n\n:::quote\n{QUOTED_LONG}\n:::\n");
    let no_picture = "---\ntitle: \"No picture\"\nsummary: \"A short summary.\"\nthemes: [\"belonging\", \"allyship\"]\n\
                      organisation: \"Clean Trust\"\nregion: \"London\"\ndate: 2024-01-02\n---\n\nLinks to [A](../case-studies/clean-a.md).\n";
    let files = vec![
        ("case-studies/clean-a.md", page("case-study", "Clean A", "", &format!("{clean_links}\n\n{quotes}"))),
        ("case-studies/clean-b.md", page("case-study", "Clean B", "", "Back to [A](clean-a.md).")),
        ("toolkits/clean-kit.md", page("toolkit", "Clean kit", "themes: [\"belonging\", \"wellbeing\"]\n", "Short.")),
        ("toolkits/overdue.md", page("toolkit", "Overdue", "review_due: 2020-01-01\n", "Short.")),
        ("toolkits/soon.md", page("toolkit", "Soon", &format!("review_due: {}\n", days_from_today(10)), "Short.")),
        (
            "toolkits/later.md",
            page(
                "toolkit",
                "Later",
                &format!("review_due: {}\n", days_from_today(90)),
                "See [A](../case-studies/clean-a.md).",
            ),
        ),
        ("case-studies/orphan.md", page("case-study", "Orphan", "", "Nobody links here.")),
        (
            "case-studies/no-outcomes.md",
            page("case-study", "No outcomes", "", "Short.")
                .replace("outcomes:\n  - measure: \"Turnover\"\n    before: 14\n    after: 8\n    unit: \"%\"\n", ""),
        ),
        (
            "case-studies/named-once.md",
            page("case-study", "Named once", "organisation: \"Lonely Trust\"\nregion: \"North West\"\n", "Short."),
        ),
        ("toolkits/no-picture.md", no_picture.to_string()),
        ("toolkits/alt.md", page("toolkit", "Alt", "", "Intro.\n\n![IMG_2041.jpg](/pictures/team.png)\n")),
        (
            "toolkits/alt-front.md",
            page("toolkit", "Alt in front matter", "", "Short.")
                .replace("Staff talking at a network meeting", "DSC_0042.JPG"),
        ),
        ("toolkits/long.md", page("toolkit", "Long", "", &format!("Intro.\n\n{LONG}\n"))),
        ("toolkits/words.md", page("toolkit", "Words", "", "Intro.\n\nGoing forward, we will meet.\n")),
    ];
    std::fs::write(dir.join("site.toml"), SITE).unwrap();
    for (path, text) in &files {
        let file = dir.join("content").join(path);
        std::fs::create_dir_all(file.parent().unwrap()).unwrap();
        std::fs::write(file, text).unwrap();
    }
    std::fs::create_dir_all(dir.join("content/pictures")).unwrap();
    let photo = fixture("basic").join("content/case-studies/bundle/photo.png");
    std::fs::copy(photo, dir.join("content/pictures/team.png")).unwrap();
    // The later page is linked from nowhere but is not the planted orphan:
    // the clean page B links it.
    let b = dir.join("content/case-studies/clean-b.md");
    let text = std::fs::read_to_string(&b)
        .unwrap()
        .replace("Back to [A](clean-a.md).", "Back to [A](clean-a.md) and [later](../toolkits/later.md).");
    std::fs::write(b, text).unwrap();
    files.into_iter().map(|(path, text)| (format!("content/{path}"), text)).collect()
}

fn report(root: &Path, extra: &[&str], proxy: Option<&str>) -> (std::process::Output, Vec<serde_json::Value>) {
    let mut command = std::process::Command::new(env!("CARGO_BIN_EXE_belong"));
    command.args(["report", "--root", root.to_str().unwrap(), "--format", "json"]).args(extra);
    for name in
        ["ALL_PROXY", "all_proxy", "HTTPS_PROXY", "https_proxy", "HTTP_PROXY", "http_proxy", "NO_PROXY", "no_proxy"]
    {
        command.env_remove(name);
    }
    if let Some(proxy) = proxy {
        command.env("HTTP_PROXY", proxy);
    }
    let output = command.output().expect("belong runs");
    let findings =
        String::from_utf8_lossy(&output.stdout).lines().map(|line| serde_json::from_str(line).unwrap()).collect();
    (output, findings)
}

/// `(kind, file, line)` of each finding.
fn places(findings: &[serde_json::Value]) -> BTreeSet<(String, String, u64)> {
    findings
        .iter()
        .map(|f| {
            (
                f["kind"].as_str().unwrap().to_string(),
                f["file"].as_str().unwrap().to_string(),
                f["line"].as_u64().unwrap(),
            )
        })
        .collect()
}

#[test]
fn every_planted_finding_is_reported_at_its_file_and_line_and_clean_pages_are_not() {
    let dir = tempfile::tempdir().unwrap();
    let files = hub(dir.path());
    let text = |path: &str| &files.iter().find(|(file, _)| file == path).unwrap().1;
    let check = belong(&["check", "--root", dir.path().to_str().unwrap()], dir.path());
    assert!(check.status.success(), "the hub has no errors:\n{}", String::from_utf8_lossy(&check.stderr));

    let (output, findings) = report(dir.path(), &[], None);
    assert_eq!(output.status.code(), Some(0), "{}", String::from_utf8_lossy(&output.stderr));
    let expected: BTreeSet<(String, String, u64)> = [
        ("review-overdue", "content/toolkits/overdue.md", line_of(text("content/toolkits/overdue.md"), "review_due")),
        ("review-soon", "content/toolkits/soon.md", line_of(text("content/toolkits/soon.md"), "review_due")),
        ("orphan", "content/case-studies/orphan.md", 0),
        ("no-outcomes", "content/case-studies/no-outcomes.md", 0),
        (
            "named-once",
            "content/case-studies/named-once.md",
            line_of(text("content/case-studies/named-once.md"), "organisation:"),
        ),
        (
            "named-once",
            "content/case-studies/named-once.md",
            line_of(text("content/case-studies/named-once.md"), "region:"),
        ),
        ("thin-theme", "site.toml", line_of(SITE, "\"wellbeing\"")),
        ("thin-theme", "site.toml", line_of(SITE, "\"retired\"")),
        ("no-picture", "content/toolkits/no-picture.md", 0),
        ("bad-alt-text", "content/toolkits/alt.md", line_of(text("content/toolkits/alt.md"), "IMG_2041")),
        ("bad-alt-text", "content/toolkits/alt-front.md", line_of(text("content/toolkits/alt-front.md"), "image_alt")),
        ("long-sentence", "content/toolkits/long.md", line_of(text("content/toolkits/long.md"), "The team met")),
        ("word-to-avoid", "content/toolkits/words.md", line_of(text("content/toolkits/words.md"), "Going forward")),
    ]
    .into_iter()
    .map(|(kind, file, line)| (kind.to_string(), file.to_string(), line as u64))
    .collect();
    assert_eq!(places(&findings), expected, "{findings:#?}");
    // Most urgent first: the report's order is the kinds' order.
    let kinds: Vec<&str> = findings.iter().map(|f| f["kind"].as_str().unwrap()).collect();
    assert_eq!(kinds.first(), Some(&"review-overdue"));
    assert_eq!(kinds.last(), Some(&"word-to-avoid"));
    let say =
        |kind: &str| findings.iter().find(|f| f["kind"] == kind).unwrap()["message"].as_str().unwrap().to_string();
    assert!(say("word-to-avoid").contains("from now on"), "{}", say("word-to-avoid"));
    assert!(say("long-sentence").starts_with("30 words"), "{}", say("long-sentence"));
    assert!(say("review-soon").contains("in 10 days"), "{}", say("review-soon"));
    assert!(say("named-once").contains("Lonely Trust"));

    // People read the same findings grouped by what to do; nothing changed.
    let human = belong(&["report", "--root", dir.path().to_str().unwrap()], dir.path());
    let human = String::from_utf8_lossy(&human.stdout);
    assert!(human.starts_with("Review pages past their review date (1)\n  content/toolkits/overdue.md:"), "{human}");
    assert!(human.contains("\nUse plainer words (1)\n  content/toolkits/words.md:"), "{human}");
    assert!(human.ends_with("13 findings in 14 pages; nothing was changed\n"), "{human}");
    assert!(!dir.path().join("public").exists(), "the report writes no site");
}

#[test]
fn a_hub_with_errors_is_reported_on_and_exits_1_and_no_hub_exits_2() {
    let dir = tempfile::tempdir().unwrap();
    hub(dir.path());
    std::fs::write(dir.path().join("content/toolkits/broken.md"), "---\ntitle: [unclosed\n---\nText.\n").unwrap();
    let (output, findings) = report(dir.path(), &[], None);
    assert_eq!(output.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&output.stderr).contains("the hub has 1 error: `belong check` lists them"));
    assert!(findings.iter().any(|f| f["kind"] == "orphan"), "the rest is still reported");
    let empty = tempfile::tempdir().unwrap();
    let (output, findings) = report(empty.path(), &[], None);
    assert_eq!(output.status.code(), Some(2));
    assert!(findings.is_empty());
    assert!(String::from_utf8_lossy(&output.stderr).contains("cannot read site.toml"));
}

/// A proxy of the test's own: it answers CONNECT for any host, then answers
/// the request inside by host, counting the requests.
struct Proxy {
    address: String,
    requests: Arc<AtomicUsize>,
}

fn proxy() -> Proxy {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let address = format!("http://{}", listener.local_addr().unwrap());
    let requests = Arc::new(AtomicUsize::new(0));
    let counted = requests.clone();
    std::thread::spawn(move || {
        for stream in listener.incoming().flatten() {
            let counted = counted.clone();
            std::thread::spawn(move || tunnel(stream, &counted));
        }
    });
    Proxy { address, requests }
}

fn tunnel(stream: TcpStream, requests: &AtomicUsize) {
    let mut reader = BufReader::new(stream.try_clone().unwrap());
    let mut writer = stream;
    let head = |reader: &mut BufReader<TcpStream>| -> Option<String> {
        let mut first = String::new();
        reader.read_line(&mut first).ok()?;
        loop {
            let mut line = String::new();
            if reader.read_line(&mut line).ok()? == 0 || line == "\r\n" {
                break;
            }
        }
        Some(first)
    };
    let Some(connect) = head(&mut reader) else { return };
    let host = connect.split_whitespace().nth(1).unwrap_or("").split(':').next().unwrap_or("").to_string();
    let _ = writer.write_all(b"HTTP/1.1 200 Connection established\r\n\r\n");
    while let Some(request) = head(&mut reader) {
        if request.is_empty() {
            return;
        }
        requests.fetch_add(1, Ordering::SeqCst);
        let head_request = request.starts_with("HEAD ");
        let (status, extra) = match host.as_str() {
            "fine.example" => ("200 OK", ""),
            "gone.example" => ("404 Not Found", ""),
            "broken.example" => ("500 Internal Server Error", ""),
            "moved.example" => ("301 Moved Permanently", "Location: https://new.example/page\r\n"),
            "headless.example" if head_request => ("405 Method Not Allowed", ""),
            "headless.example" => ("200 OK", ""),
            "slow.example" => {
                std::thread::sleep(std::time::Duration::from_secs(15));
                return;
            }
            _ => ("502 Bad Gateway", ""),
        };
        let response = format!("HTTP/1.1 {status}\r\n{extra}Content-Length: 0\r\n\r\n");
        if writer.write_all(response.as_bytes()).is_err() {
            return;
        }
    }
}

#[test]
fn external_links_report_404_500_time_outs_and_redirects_and_a_second_run_asks_nothing() {
    let dir = tempfile::tempdir().unwrap();
    hub(dir.path());
    let links = "---\ntitle: \"Links\"\nsummary: \"A short summary.\"\nthemes: [\"belonging\", \"allyship\"]\n\
                 organisation: \"Clean Trust\"\nregion: \"London\"\ndate: 2024-01-02\nimage: \"/pictures/team.png\"\n\
                 image_alt: \"Staff talking at a network meeting\"\nresources:\n  - title: \"Gone\"\n    url: \"http://gone.example/old\"\n---\n\n\
                 See [fine](http://fine.example/) and [broken](http://broken.example/x).\n\n\
                 Then http://slow.example/wait and [moved](http://moved.example/old).\n\n\
                 Also [headless](http://headless.example/page).\n";
    std::fs::write(dir.path().join("content/toolkits/links.md"), links).unwrap();
    let a = dir.path().join("content/case-studies/clean-a.md");
    let text = std::fs::read_to_string(&a).unwrap().replace("Read [B]", "Read [links](../toolkits/links.md), [B]");
    std::fs::write(&a, text).unwrap();

    let proxy = proxy();
    let (output, findings) = report(dir.path(), &["--external"], Some(&proxy.address));
    assert_eq!(output.status.code(), Some(0), "{}", String::from_utf8_lossy(&output.stderr));
    let external: BTreeSet<(String, String, u64)> =
        places(&findings).into_iter().filter(|(kind, _, _)| kind.ends_with("-link")).collect();
    let file = "content/toolkits/links.md".to_string();
    let at = |kind: &str, needle: &str| (kind.to_string(), file.clone(), line_of(links, needle) as u64);
    let expected = BTreeSet::from([
        at("broken-link", "gone.example"),
        at("broken-link", "broken.example"),
        at("broken-link", "slow.example"),
        at("redirected-link", "moved.example"),
    ]);
    assert_eq!(external, expected, "{findings:#?}");
    let message = |needle: &str| {
        findings.iter().find(|f| f["message"].as_str().unwrap().contains(needle)).unwrap()["message"]
            .as_str()
            .unwrap()
            .to_string()
    };
    assert!(message("gone.example").contains("answered 404"));
    assert!(message("broken.example").contains("answered 500"));
    assert!(message("slow.example").contains("did not answer within 10 seconds"));
    assert!(message("moved.example").contains("to https://new.example/page"));
    let asked = proxy.requests.load(Ordering::SeqCst);
    // HEAD each; GET too where HEAD was refused (gone, broken, headless).
    assert_eq!(asked, 9, "requests made");
    assert!(dir.path().join(".belong-cache/links.json").is_file());

    let (again, second) = report(dir.path(), &["--external"], Some(&proxy.address));
    assert_eq!(again.status.code(), Some(0));
    assert_eq!(proxy.requests.load(Ordering::SeqCst), asked, "no request on a second run within the day");
    assert_eq!(places(&second), places(&findings));
    assert!(String::from_utf8_lossy(&again.stderr).contains("asked 0 web addresses"));
}
