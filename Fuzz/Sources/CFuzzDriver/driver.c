// Nothing to define: LLVMFuzzerRunDriver comes from libFuzzer at link time.
#include "CFuzzDriver.h"
