//! The words of the reports page (`/reports` in the web crate): its headings, labels and the sentences it
//! adds to the core's. Public, unlike the other tables, because the page is in another crate; the words of
//! the reader and its summary stay in [`super::report`].

texts! { pub "reports_page";
    tagline() =>
        "Read the TLS-RPT reports senders mail to your rua address: totals, failures by day, MX host and cause. \
         The files are read in your browser and never uploaded.";
    file_too_large(file, limit) =>
        "{file} is larger than {limit} MB, far larger than a TLS-RPT report, so it was not read.";
    file_unreadable(file) => "Your browser could not read {file}. Choose it again, or paste its contents below.";
    your_reports() => "Your reports";
    choose() => "Choose report files, or drop them here";
    choose_help() =>
        "A report as a .json or .json.gz file, or the email it came in (.eml). Several at once are summed up; a \
         report read twice is counted once.";
    paste() => "Or paste a report's JSON";
    paste_button() => "Read the pasted report";
    pasted_name() => "the pasted text";
    reading() => "Reading…";
    reading_file(number, total) => "Reading file {number} of {total}…";
    files() => "Files";
    one_report() => " — 1 report";
    reports(count) => " — {count} reports";
    not_read() => "Not read: ";
    notes() => "Notes";
    sessions_per_day() => "Sessions per day";
    as_table() => "The same as a table";
    day_utc() => "Day (UTC)";
    per_domain() => "Per policy domain";
    policy_domain() => "Policy domain";
    reports_column() => "Reports";
    successful() => "Successful";
    failed() => "Failed";
    check_column() => "Check";
    check_now(domain) => "Check {domain} now";
    per_reporter() => "Per reporter";
    reporter() => "Reporter";
    per_mx() => "Per MX host";
    mx_host() => "MX host";
    in_mx_host() => "In a policy's mx-host";
    failed_sessions() => "Failed sessions";
    result_types() => "Result types";
    yes() => "yes";
    no() => "no";
    mx_not_named() => "(not named by the reporter)";
    by_result_type() => "Failures by result type (RFC 8460 §4.3)";
    result_type() => "Result type";
    meaning() => "What it means";
    no_failures() => "No failed sessions.";
    no_chart() => "No report has a readable date, so there is no chart.";
    legend_successful() => " successful  ";
    legend_failed() => " failed (at least a sliver on any day with failures)";
    export_csv() => "Export CSV (per day and policy domain)";
    compare_live() => "Compare with the live policy";
    fetching_live() => "Fetching the live policy…";
}
