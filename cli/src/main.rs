//! `mta-sts`: check MTA-STS (RFC 8461) records and policies and TLS-RPT (RFC 8460) records offline.
//!
//! Exit codes are a public contract (design.md §3): 0 = valid, 1 = invalid, 2 = usage or IO error;
//! `check` adds 3 = only DNS lookups failed (temporary); `report` exits 1 when reports count failed sessions;
//! `explain-bounce` exits 1 when it recognises no MTA-STS failure in the text; `monitor` exits 1 on an
//! error-level change, 3 when only lookups failed.

mod bounce;
mod catalogue;
mod check;
mod commands;
mod examples;
mod fetch;
mod guard;
mod history;
mod input;
mod monitor;
mod preflight;
mod render;
mod report;
mod serve;
mod store;

use std::ffi::OsString;
use std::io::{IsTerminal, Write};
use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand, ValueEnum};

use crate::render::Painter;

#[derive(Parser)]
#[command(
    name = "mta-sts",
    version,
    about = "Check MTA-STS (RFC 8461) and TLS-RPT (RFC 8460) records and policies.",
    after_help = "Exit status: 0 = valid, 1 = invalid (report: failed sessions; monitor: an error-level change; explain-bounce: \
                  nothing recognised), 2 = usage or input error, 3 = (check, monitor) only lookups failed.",
    arg_required_else_help = true
)]
struct Cli {
    /// Print exactly one JSON object on standard output (`check`, `monitor`: one per domain, one per line).
    #[arg(long, global = true)]
    json: bool,
    /// When to colour the human output.
    #[arg(long, global = true, value_enum, value_name = "WHEN", default_value_t = ColorChoice::Auto)]
    color: ColorChoice,
    #[command(subcommand)]
    command: Command,
}

#[derive(Clone, Copy, ValueEnum)]
enum ColorChoice {
    #[value(help = "When standard output is a terminal and NO_COLOR is not set")]
    Auto,
    Always,
    Never,
}

#[derive(Subcommand)]
enum Command {
    /// Parse a record or a policy and report every problem.
    #[command(subcommand)]
    Parse(ParseCommand),
    /// Tell whether an MX host matches a policy `mx` pattern (RFC 8461 §4.1).
    #[command(name = "match")]
    Match {
        /// An `mx` pattern, e.g. `mail.example.com` or `*.example.com`.
        pattern: String,
        /// An MX host name, e.g. `mx1.example.com`.
        host: String,
    },
    /// Evaluate recorded Observations (JSON) and print the report.
    Evaluate {
        /// The Observations JSON file; `-` or nothing reads standard input.
        file: Option<PathBuf>,
        /// Evaluate as of this Unix time instead of now (for reproducible output).
        #[arg(long, value_name = "UNIX_SECONDS")]
        now: Option<u64>,
    },
    /// Generate the policy file and the two TXT records a domain publishes.
    Generate(commands::GenerateArgs),
    /// List every finding code: its severity, group and what it checks (`--json`: the whole rule table).
    Codes {
        /// Print the table as Markdown (the README's findings table is this output).
        #[arg(long, conflicts_with = "json")]
        markdown: bool,
    },
    /// Explain one finding code: what it checks, its severity and group, and the RFC sentence behind it.
    Explain {
        /// A finding code, e.g. `policy-content-type`.
        code: String,
    },
    /// Check domains over the network: DNS over HTTPS, the policy fetch, its certificate.
    Check(check::CheckArgs),
    /// Check a draft policy and/or record before publishing it: on its own, or against the live domain.
    Preflight(preflight::PreflightArgs),
    /// Read TLS-RPT aggregate reports (RFC 8460): .json, .json.gz or the .eml they came in; sum them up.
    Report(report::ReportArgs),
    /// Explain a bounce or mail log line: which MTA-STS rule failed, for which sender, and what to fix.
    #[command(name = "explain-bounce")]
    ExplainBounce(bounce::BounceArgs),
    /// Serve the web app and the /api/observe API (the self-hosted alternative to the Cloudflare worker).
    Serve(serve::ServeArgs),
    /// Check domains and store each run in SQLite; report what changed since each domain's previous run.
    Monitor(monitor::MonitorArgs),
    /// A domain's timeline from the monitor's database: policies seen, runs and their changes.
    History(history::HistoryArgs),
}

#[derive(Subcommand)]
enum ParseCommand {
    /// The TXT records at `_mta-sts.<domain>` (RFC 8461 §3.1).
    Record {
        /// One argument per TXT record, its strings already joined; none: one record per line of standard input.
        records: Vec<OsString>,
    },
    /// A policy file, as served at `https://mta-sts.<domain>/.well-known/mta-sts.txt` (RFC 8461 §3.2).
    Policy {
        /// The policy file; `-` or nothing reads standard input.
        file: Option<PathBuf>,
    },
    /// The TXT records at `_smtp._tls.<domain>` (RFC 8460 §3).
    Tlsrpt {
        /// One argument per TXT record, its strings already joined; none: one record per line of standard input.
        records: Vec<OsString>,
    },
}

/// A usage or input error: one sentence saying what is wrong and what to do. Exit status 2.
#[derive(Debug)]
pub(crate) struct Failure(pub(crate) String);

/// What a command prints, and whether what it checked is valid.
pub(crate) struct Done {
    pub(crate) stdout: String,
    pub(crate) valid: bool,
}

/// Options every command sees.
#[derive(Clone, Copy)]
pub(crate) struct Ctx {
    pub(crate) json: bool,
    pub(crate) painter: Painter,
}

fn wants_color(choice: ColorChoice) -> bool {
    match choice {
        ColorChoice::Always => true,
        ColorChoice::Never => false,
        // https://no-color.org: any non-empty NO_COLOR turns colour off.
        ColorChoice::Auto => {
            std::io::stdout().is_terminal() && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty())
        }
    }
}

fn run(cli: Cli) -> Result<Done, Failure> {
    let ctx = Ctx { json: cli.json, painter: Painter { color: !cli.json && wants_color(cli.color) } };
    match cli.command {
        Command::Parse(ParseCommand::Record { records }) => commands::parse_record(&records, ctx),
        Command::Parse(ParseCommand::Policy { file }) => commands::parse_policy(file.as_ref(), ctx),
        Command::Parse(ParseCommand::Tlsrpt { records }) => commands::parse_tlsrpt(&records, ctx),
        Command::Match { pattern, host } => commands::match_host(&pattern, &host, ctx),
        Command::Evaluate { file, now } => commands::evaluate(file.as_ref(), now.unwrap_or_else(unix_now), ctx),
        Command::Generate(args) => commands::generate(&args, ctx),
        Command::Codes { markdown } => catalogue::codes(markdown, ctx),
        Command::History(args) => history::history(&args, ctx),
        Command::Explain { code } => catalogue::explain(&code, ctx),
        Command::ExplainBounce(args) => bounce::run(&args, ctx),
        Command::Check(_) | Command::Preflight(_) | Command::Report(_) | Command::Serve(_) | Command::Monitor(_) => {
            unreachable!("main runs the online commands itself")
        }
    }
}

pub(crate) fn unix_now() -> u64 {
    std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(0, |d| d.as_secs())
}

/// Writes a command's output; a reader that stops early (`| head`) is not an error of ours.
pub(crate) fn write_stdout(text: &str) -> Result<(), Failure> {
    let mut stdout = std::io::stdout().lock();
    match stdout.write_all(text.as_bytes()).and_then(|()| stdout.flush()) {
        Err(e) if e.kind() != std::io::ErrorKind::BrokenPipe => {
            Err(Failure(format!("cannot write the output: {e}. Check the file or pipe that standard output goes to.")))
        }
        _ => Ok(()),
    }
}

fn main() -> ExitCode {
    // clap exits by itself: 2 on a usage error, 0 for --help and --version.
    let cli = Cli::parse();
    // The online commands stream their output and have their own exit codes.
    match &cli.command {
        Command::Check(args) => {
            let ctx = Ctx { json: cli.json, painter: Painter { color: !cli.json && wants_color(cli.color) } };
            return check::run(args, ctx);
        }
        Command::Preflight(args) => {
            let ctx = Ctx { json: cli.json, painter: Painter { color: !cli.json && wants_color(cli.color) } };
            return preflight::run(args, ctx);
        }
        Command::Report(args) => {
            let ctx = Ctx { json: cli.json, painter: Painter { color: !cli.json && wants_color(cli.color) } };
            return report::run(args, ctx);
        }
        Command::Serve(args) => return serve::run(args),
        Command::Monitor(args) => {
            let ctx = Ctx { json: cli.json, painter: Painter { color: !cli.json && wants_color(cli.color) } };
            return monitor::run(args, ctx);
        }
        _ => {}
    }
    match run(cli) {
        Ok(done) => match write_stdout(&done.stdout) {
            Ok(()) => ExitCode::from(u8::from(!done.valid)),
            Err(Failure(message)) => {
                eprintln!("error: {message}");
                ExitCode::from(2)
            }
        },
        Err(Failure(message)) => {
            eprintln!("error: {message}");
            ExitCode::from(2)
        }
    }
}
