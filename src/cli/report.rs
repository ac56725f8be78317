//! Writing results with their report: every file of a [`ResultsFolder`] plus `report.html` (and
//! `charts/<id>.png` with `--png`) into a prepared [`Output`]; and `votelab report DIR`, which
//! reads the known files of a results folder and writes its `report.html` (and PNGs) again.

use super::Failure;
use super::files::Output;
use crate::output::folder::ResultsFolder;
use crate::report;
use std::fs;
use std::path::{Path, PathBuf};

/// Write every file of `folder` into `out`, then its report (unless `with_report` is false, as
/// for a sweep shard). The data matter more than the pictures: if the report cannot be drawn,
/// say so and keep the files (`votelab report DIR` can draw it later).
pub fn write_results(out: &Output, folder: &ResultsFolder, with_report: bool, png: bool) -> Result<(), Failure> {
    for (path, text) in &folder.files {
        out.write(path, text)?;
    }
    if !with_report {
        return Ok(());
    }
    let drawn = report::render(folder).and_then(|r| {
        let pngs = if png { pngs(&r)? } else { Vec::new() };
        Ok((r, pngs))
    });
    match drawn {
        Ok((r, pngs)) => {
            out.write("report.html", &r.html)?;
            for (path, bytes) in &pngs {
                out.write_bytes(path, bytes)?;
            }
        }
        Err(e) => eprintln!("warning: report.html was not written: {e}"),
    }
    Ok(())
}

/// Each chart of a report as (`charts/<id>.png`, PNG bytes).
fn pngs(r: &report::Report) -> Result<Vec<(String, Vec<u8>)>, report::ReportError> {
    r.charts.iter().map(|c| Ok((format!("charts/{}.png", c.id), report::chart_png(c)?))).collect()
}

/// Read a results-folder file: `None` if absent.
fn read(dir: &Path, relative: &str) -> Result<Option<String>, String> {
    match fs::read_to_string(dir.join(relative)) {
        Ok(text) => Ok(Some(text)),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
        Err(e) => Err(e.to_string()),
    }
}

/// Write `bytes` to `path` through a temporary file renamed into place.
fn replace(path: &Path, bytes: &[u8]) -> Result<(), Failure> {
    let name = path.file_name().map(|n| n.to_string_lossy().to_string()).unwrap_or_default();
    let temp = path.with_file_name(format!(".{name}.tmp-{}", std::process::id()));
    fs::write(&temp, bytes).and_then(|()| fs::rename(&temp, path)).map_err(|e| {
        let _ = fs::remove_file(&temp);
        Failure::Other(format!("cannot write {}: {e}", path.display()))
    })
}

/// `votelab report DIR [--png]`.
pub fn report(dir: &Path, png: bool) -> Result<(), Failure> {
    if !dir.is_dir() {
        eprintln!("error: {} is not a folder; give the results folder of a run, compare or sweep", dir.display());
        return Err(Failure::BadInput);
    }
    let drawn = ResultsFolder::gather(|relative| read(dir, relative))
        .map_err(report::ReportError::from)
        .and_then(|folder| report::render(&folder));
    let r = drawn.map_err(|e| {
        eprintln!("error: {}: {e}", dir.display());
        Failure::BadInput
    })?;
    // Everything is drawn before anything is written.
    let pngs = if png { pngs(&r).map_err(|e| Failure::Other(e.to_string()))? } else { Vec::new() };
    replace(&dir.join("report.html"), r.html.as_bytes())?;
    if !pngs.is_empty() {
        let charts: PathBuf = dir.join("charts");
        fs::create_dir_all(&charts).map_err(|e| Failure::Other(format!("cannot create {}: {e}", charts.display())))?;
        for (path, bytes) in &pngs {
            replace(&dir.join(path), bytes)?;
        }
    }
    println!(
        "Report with {} charts written to {}{}",
        r.charts.len(),
        dir.join("report.html").display(),
        if png { format!(" (PNGs in {})", dir.join("charts").display()) } else { String::new() }
    );
    Ok(())
}
