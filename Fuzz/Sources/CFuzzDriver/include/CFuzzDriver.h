#ifndef CFUZZDRIVER_H
#define CFUZZDRIVER_H
#include <stddef.h>
#include <stdint.h>

/// libFuzzer's driver (linked by -sanitize=fuzzer): parses argv like a libFuzzer binary and calls
/// `callback` for each input.
int LLVMFuzzerRunDriver(int *argc, char ***argv, int (*callback)(const uint8_t *data, size_t size));

/// LeakSanitizer (linked by -sanitize=address): between `__lsan_disable` and `__lsan_enable` the
/// calling thread's allocations are never reported as leaks (see `sanitizer/lsan_interface.h`).
void __lsan_disable(void);
void __lsan_enable(void);

#endif
