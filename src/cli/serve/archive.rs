//! The results folder of a job as a zip file, for download. Reads the folder (relative path →
//! text, kept in memory); writes zip bytes. Entries carry no timestamps (the zip format's
//! 1980-01-01), so the same job gives byte-identical archives.

use std::collections::BTreeMap;
use std::io::{Cursor, Write};
use zip::write::SimpleFileOptions;
use zip::{CompressionMethod, ZipWriter};

/// Zip `files` under a top folder `folder/`.
pub fn zip_folder(folder: &str, files: &BTreeMap<String, String>) -> zip::result::ZipResult<Vec<u8>> {
    let mut writer = ZipWriter::new(Cursor::new(Vec::new()));
    let options = SimpleFileOptions::default().compression_method(CompressionMethod::Deflated);
    for (path, text) in files {
        writer.start_file(format!("{folder}/{path}"), options)?;
        writer.write_all(text.as_bytes())?;
    }
    Ok(writer.finish()?.into_inner())
}

/// Zip several results folders, each under its own top folder, with `root` files beside them
/// (the facilitator's download of a whole session).
pub fn zip_folders(
    folders: &[(String, BTreeMap<String, String>)],
    root: &[(String, String)],
) -> zip::result::ZipResult<Vec<u8>> {
    let mut writer = ZipWriter::new(Cursor::new(Vec::new()));
    let options = SimpleFileOptions::default().compression_method(CompressionMethod::Deflated);
    for (name, text) in root {
        writer.start_file(name.as_str(), options)?;
        writer.write_all(text.as_bytes())?;
    }
    for (folder, files) in folders {
        for (path, text) in files {
            writer.start_file(format!("{folder}/{path}"), options)?;
            writer.write_all(text.as_bytes())?;
        }
    }
    Ok(writer.finish()?.into_inner())
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Read;

    #[test]
    fn a_folder_round_trips_through_the_zip() {
        let files: BTreeMap<String, String> = [
            ("comparison.json".to_string(), "{}\n".to_string()),
            ("baseline/timeseries.csv".to_string(), "replicate,step\n0,0\n".repeat(100)),
        ]
        .into();
        let bytes = zip_folder("compare-a-vs-b", &files).unwrap();
        assert_eq!(bytes, zip_folder("compare-a-vs-b", &files).unwrap(), "archives are reproducible");
        let mut archive = zip::ZipArchive::new(Cursor::new(bytes)).unwrap();
        let mut names: Vec<String> = archive.file_names().filter_map(|n| n.ok().map(|n| n.to_string())).collect();
        names.sort();
        assert_eq!(names, ["compare-a-vs-b/baseline/timeseries.csv", "compare-a-vs-b/comparison.json"]);
        let mut text = String::new();
        archive.by_name("compare-a-vs-b/baseline/timeseries.csv").unwrap().read_to_string(&mut text).unwrap();
        assert_eq!(text, files["baseline/timeseries.csv"]);

        let many =
            zip_folders(&[("run-1-ada".into(), files.clone())], &[("table.csv".into(), "a,b\n".into())]).unwrap();
        let archive = zip::ZipArchive::new(Cursor::new(many)).unwrap();
        let mut names: Vec<String> = archive.file_names().filter_map(|n| n.ok().map(|n| n.to_string())).collect();
        names.sort();
        assert_eq!(names, ["run-1-ada/baseline/timeseries.csv", "run-1-ada/comparison.json", "table.csv"]);
    }
}
