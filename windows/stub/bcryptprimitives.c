/* Test-only stand-in for Windows' bcryptprimitives.dll, which Wine 8.0 lacks: Rust's standard
 * library imports ProcessPrng from it, and without it the loader stops the .exe before main
 * (c0000135). This stub fills the buffer with RtlGenRandom (advapi32's SystemFunction036).
 * Used only in the Wine prefix of windows/wine-test.sh; never shipped. */
#include <windows.h>

BOOLEAN WINAPI SystemFunction036(PVOID buffer, ULONG length);

BOOL WINAPI ProcessPrng(PBYTE data, SIZE_T length)
{
    while (length > 0) {
        ULONG n = length > 0x40000000 ? 0x40000000 : (ULONG)length;
        if (!SystemFunction036(data, n))
            return FALSE;
        data += n;
        length -= n;
    }
    return TRUE;
}
