/* A TSPI round trip as TAPI makes it: lineGetCallStatus through the Native AOT shim, the Unix
 * socket, tsphost and the Simulated exchange, from 1, 8 or 64 threads at once on one connected call.
 * usage: tspibench <shim.so> <threads> <calls per thread>   (TSPHOST_SOCKET names the host) */
#define _GNU_SOURCE
#include "bench.h"
#include "../tests/tapisim/tapisim.h"
#include <dlfcn.h>
#include <pthread.h>
#include <string.h>
#include <unistd.h>

static TSPI_providerEnumDevices_fn *TSPI_providerEnumDevices;
static TSPI_providerInit_fn *TSPI_providerInit;
static TSPI_providerShutdown_fn *TSPI_providerShutdown;
static TSPI_providerInstall_fn *TSPI_providerInstall;
static TSPI_lineNegotiateTSPIVersion_fn *TSPI_lineNegotiateTSPIVersion;
static TSPI_lineOpen_fn *TSPI_lineOpen;
static TSPI_lineGetCallStatus_fn *TSPI_lineGetCallStatus;
static TSPI_lineMakeCall_fn *TSPI_lineMakeCall;

static volatile DWORD g_state;
static void on_completion(DWORD request, LONG result) { (void)request; (void)result; }
static void on_line(HTAPILINE l, HTAPICALL c, DWORD msg, DWORD_PTR p1, DWORD_PTR p2, DWORD_PTR p3) {
    (void)l; (void)c; (void)p2; (void)p3;
    if (msg == LINE_CALLSTATE) g_state = (DWORD)p1;
}
static void on_phone(HTAPIPHONE p, DWORD msg, DWORD_PTR p1, DWORD_PTR p2, DWORD_PTR p3) { (void)p; (void)msg; (void)p1; (void)p2; (void)p3; }

typedef struct { HDRVCALL call; long calls; long long *latencies; } worker_t;

static void *work(void *arg) {
    worker_t *w = arg;
    LINECALLSTATUS status;
    for (long i = 0; i < w->calls; i++) {
        memset(&status, 0, sizeof status);
        status.dwTotalSize = sizeof status;
        long long start = bench_now_ns();
        LONG result = TSPI_lineGetCallStatus(w->call, &status);
        w->latencies[i] = bench_now_ns() - start;
        if (result != 0 || status.dwCallState != LINECALLSTATE_CONNECTED) { fprintf(stderr, "lineGetCallStatus: 0x%08X state 0x%X\n", (unsigned)result, status.dwCallState); exit(1); }
    }
    return NULL;
}

int main(int argc, char **argv) {
    if (argc < 4) { fprintf(stderr, "usage: tspibench <shim.so> <threads> <calls per thread>\n"); return 2; }
    void *shim = dlopen(argv[1], RTLD_NOW);
    if (!shim) { fprintf(stderr, "%s\n", dlerror()); return 1; }
#define BIND(name) *(void **)&name = dlsym(shim, #name)
    BIND(TSPI_providerEnumDevices); BIND(TSPI_providerInit); BIND(TSPI_providerShutdown); BIND(TSPI_providerInstall);
    BIND(TSPI_lineNegotiateTSPIVersion); BIND(TSPI_lineOpen); BIND(TSPI_lineGetCallStatus); BIND(TSPI_lineMakeCall);
    int threads = atoi(argv[2]);
    long calls = atol(argv[3]);

    DWORD version = 0, lines = 0, phones = 0, options = 0;
    TSPI_providerInstall(NULL, 1); /* installed already on later runs: that refusal is fine */
    if (TSPI_lineNegotiateTSPIVersion(INITIALIZE_NEGOTIATION, TAPI_2_0, TAPI_3_1, &version) ||
        TSPI_providerEnumDevices(1, &lines, &phones, 1, on_line, on_phone) ||
        TSPI_providerInit(version, 1, 0, 0, lines, phones, on_completion, &options)) { fprintf(stderr, "no session\n"); return 1; }
    HDRVLINE hdLine = 0;
    HDRVCALL hdCall = 0;
    static const WCHAR number[] = { '5', '5', '5', '0', '1', '0', '0', 0 };
    if (TSPI_lineOpen(0, 0x100, &hdLine, version, on_line) || TSPI_lineMakeCall(1, hdLine, 0x200, &hdCall, number, 0, NULL) <= 0) { fprintf(stderr, "no call\n"); return 1; }
    for (int i = 0; i < 1000 && g_state != LINECALLSTATE_CONNECTED; i++) usleep(10000);
    if (g_state != LINECALLSTATE_CONNECTED) { fprintf(stderr, "the call did not connect\n"); return 1; }

    /* Warm up (the runtime inside the shim, the host's JIT), then measure. */
    worker_t warm = { hdCall, 20000, malloc(sizeof(long long) * 20000) };
    work(&warm);
    worker_t *workers = calloc((size_t)threads, sizeof *workers);
    pthread_t *ids = calloc((size_t)threads, sizeof *ids);
    long long *latencies = malloc(sizeof *latencies * (size_t)threads * (size_t)calls);
    long long start = bench_now_ns();
    for (int t = 0; t < threads; t++) {
        workers[t] = (worker_t){ hdCall, calls, latencies + (size_t)t * (size_t)calls };
        pthread_create(&ids[t], NULL, work, &workers[t]);
    }
    for (int t = 0; t < threads; t++) pthread_join(ids[t], NULL);
    long long elapsed = bench_now_ns() - start;
    bench_report("tspi-lineGetCallStatus", threads, latencies, threads * calls, elapsed);
    TSPI_providerShutdown(version, 1);
    _Exit(0);
}
