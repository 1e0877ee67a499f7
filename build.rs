//! Installs the browser code Tribe serves but does not keep in the
//! repository (the jsQR decoder for the door page's camera scanner, from
//! npm, pinned by package-lock.json) and builds it into the binary.
//! Without npm or the registry the build still succeeds: the scanner then
//! works only in browsers with BarcodeDetector, and says so.

use std::path::PathBuf;
use std::process::Command;

fn main() {
    println!("cargo:rerun-if-changed=package.json");
    println!("cargo:rerun-if-changed=package-lock.json");
    let root = PathBuf::from(std::env::var("CARGO_MANIFEST_DIR").expect("cargo sets CARGO_MANIFEST_DIR"));
    let decoder = root.join("node_modules/jsqr/dist/jsQR.js");
    if !decoder.exists() {
        let installed = Command::new("npm").args(["ci", "--omit=dev", "--no-audit", "--no-fund", "--ignore-scripts"]).current_dir(&root).status();
        if !matches!(installed, Ok(status) if status.success()) {
            println!("cargo:warning=npm ci did not install jsqr ({installed:?}): the door page's camera scanner will need BarcodeDetector");
        }
    }
    let out = PathBuf::from(std::env::var("OUT_DIR").expect("cargo sets OUT_DIR")).join("jsqr.js");
    std::fs::write(&out, std::fs::read(&decoder).unwrap_or_default()).expect("OUT_DIR is writable");
    println!("cargo:rerun-if-changed=node_modules/jsqr/dist/jsQR.js");
}
