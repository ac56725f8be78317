//! A global allocator that asks Linux to back large blocks with transparent huge pages.
//!
//! The engine's hot loops read neighbours' entries of arrays of tens of megabytes (the snapshot,
//! the graph, the ECS tables) at random. With 4 KiB pages almost every such read misses the TLB
//! once the arrays outgrow what it maps (a few MiB); with 2 MiB pages it maps gigabytes. Measured
//! on the 2-core machine of `docs/PERFORMANCE.md`: the baseline at 1M voters ran 23% faster with
//! huge pages, at 10M 26% faster. Linux gives huge pages to a process only where it asks for them
//! (`madvise`) unless the system is set to `always`, so this allocator asks for every block of at
//! least 2 MiB, before the block is first touched. Elsewhere (other systems, or huge pages
//! disabled) it is the system allocator unchanged. Results never depend on it.
//! Reads and writes nothing but the memory it hands out.

use std::alloc::{GlobalAlloc, Layout, System};

/// Size of a huge page (x86-64 and arm64 with 4 KiB base pages); smaller blocks are not advised.
const HUGE_PAGE: usize = 2 << 20;

/// The system allocator, with huge pages advised for blocks of at least [`HUGE_PAGE`].
/// Install it in a binary with `#[global_allocator]`.
#[derive(Clone, Copy, Debug, Default)]
pub struct HugePageAllocator;

// SAFETY: every call is forwarded to `System` with the same arguments; `advise` only changes how
// the kernel backs pages inside the block just returned.
unsafe impl GlobalAlloc for HugePageAllocator {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        // SAFETY: forwarded with the caller's guarantees.
        let block = unsafe { System.alloc(layout) };
        advise(block, layout.size());
        block
    }

    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        // SAFETY: forwarded with the caller's guarantees.
        let block = unsafe { System.alloc_zeroed(layout) };
        advise(block, layout.size());
        block
    }

    unsafe fn dealloc(&self, block: *mut u8, layout: Layout) {
        // SAFETY: forwarded with the caller's guarantees.
        unsafe { System.dealloc(block, layout) }
    }

    unsafe fn realloc(&self, block: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        // SAFETY: forwarded with the caller's guarantees.
        let block = unsafe { System.realloc(block, layout, new_size) };
        advise(block, new_size);
        block
    }
}

/// Advise huge pages for the whole huge pages inside `[block, block + size)`.
#[inline]
fn advise(block: *mut u8, size: usize) {
    #[cfg(target_os = "linux")]
    if size >= HUGE_PAGE && !block.is_null() {
        let start = (block as usize).next_multiple_of(HUGE_PAGE);
        let end = (block as usize + size) / HUGE_PAGE * HUGE_PAGE;
        if end > start {
            // SAFETY: the range lies inside a block this process owns; MADV_HUGEPAGE changes
            // neither its contents nor its mapping, only the kernel's choice of page size. A
            // failure (e.g. a kernel without huge pages) leaves the block as it was.
            unsafe { libc::madvise(start as *mut libc::c_void, end - start, libc::MADV_HUGEPAGE) };
        }
    }
    #[cfg(not(target_os = "linux"))]
    let _ = (block, size);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn blocks_of_every_size_are_usable_and_keep_their_contents_when_grown() {
        let a = HugePageAllocator;
        for size in [8, 4096, HUGE_PAGE - 1, HUGE_PAGE, 3 * HUGE_PAGE + 17] {
            let layout = Layout::from_size_align(size, 8).unwrap();
            // SAFETY: non-zero size; the block is written within bounds and freed with its layout.
            unsafe {
                let block = a.alloc_zeroed(layout);
                assert!(!block.is_null());
                assert!(std::slice::from_raw_parts(block, size).iter().all(|&b| b == 0));
                block.write_bytes(7, size);
                let grown = a.realloc(block, layout, 2 * size);
                assert!(std::slice::from_raw_parts(grown, size).iter().all(|&b| b == 7));
                a.dealloc(grown, Layout::from_size_align(2 * size, 8).unwrap());
            }
        }
    }
}
