//! Random and mutated bytes into every summary and state decoder, then
//! every accessor (`churnkit_core::fuzz::check`): a panic or a broken round
//! trip is a crash for libFuzzer. Run with `bash scripts/fuzz.sh [RUNS]`.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Err(violation) = churnkit_core::fuzz::check(data) {
        panic!("{violation}");
    }
});
