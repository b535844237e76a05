/* tapisim: loads the TspHost shim with dlopen() as the TAPI service loads a provider, and drives
 * real sessions through its TSPI exports against a running tsphost. Every step prints "ok: ..."
 * or "FAIL: ..." (and exits 1); the last line is "PASS <scenario>".
 *
 * usage: tapisim <shim.so> <scenario>
 * scenarios: lifecycle, incoming, refused, transfer, pending, hostkill, inflight, killburst, nohost,
 * concurrent, oversized, workerfault (TAPISIM_WORKER_FAULT=crash or hang: the Hostile fixture beside Simulated)
 * hostkill and inflight read two lines from stdin: the first after the test killed (or stopped) the
 * host, the second after it started a new one; killburst reads one, after the test killed the host.
 * inflight needs TAPISIM_RESPONSE_DELAY_MS, the host's Simulated ResponseDelay. */
#define _GNU_SOURCE
#include "tapisim.h"
#include <dlfcn.h>
#include <errno.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define PROVIDER_ID 7u
#define WAIT_MS 10000

/* ---- the shim's exports, looked up by name as TAPI does ---- */
static TSPI_providerEnumDevices_fn *TSPI_providerEnumDevices;
static TSPI_providerInit_fn *TSPI_providerInit;
static TSPI_providerShutdown_fn *TSPI_providerShutdown;
static TSPI_providerInstall_fn *TSPI_providerInstall;
static TSPI_providerConfig_fn *TSPI_providerConfig;
static TSPI_providerRemove_fn *TSPI_providerRemove;
static TSPI_providerCreateLineDevice_fn *TSPI_providerCreateLineDevice;
static TSPI_providerCreatePhoneDevice_fn *TSPI_providerCreatePhoneDevice;
static TSPI_lineNegotiateTSPIVersion_fn *TSPI_lineNegotiateTSPIVersion;
static TSPI_lineNegotiateExtVersion_fn *TSPI_lineNegotiateExtVersion;
static TSPI_lineSelectExtVersion_fn *TSPI_lineSelectExtVersion;
static TSPI_lineOpen_fn *TSPI_lineOpen;
static TSPI_lineClose_fn *TSPI_lineClose;
static TSPI_lineGetDevCaps_fn *TSPI_lineGetDevCaps;
static TSPI_lineGetAddressCaps_fn *TSPI_lineGetAddressCaps;
static TSPI_lineGetCallInfo_fn *TSPI_lineGetCallInfo;
static TSPI_lineGetCallStatus_fn *TSPI_lineGetCallStatus;
static TSPI_lineMakeCall_fn *TSPI_lineMakeCall;
static TSPI_lineDial_fn *TSPI_lineDial;
static TSPI_lineAnswer_fn *TSPI_lineAnswer;
static TSPI_lineDrop_fn *TSPI_lineDrop;
static TSPI_lineHold_fn *TSPI_lineHold;
static TSPI_lineUnhold_fn *TSPI_lineUnhold;
static TSPI_lineSetupTransfer_fn *TSPI_lineSetupTransfer;
static TSPI_lineCompleteTransfer_fn *TSPI_lineCompleteTransfer;
static TSPI_lineSetupConference_fn *TSPI_lineSetupConference;
static TSPI_lineCloseCall_fn *TSPI_lineCloseCall;
static TSPI_phoneNegotiateTSPIVersion_fn *TSPI_phoneNegotiateTSPIVersion;
static TSPI_phoneOpen_fn *TSPI_phoneOpen;
static TSPI_phoneClose_fn *TSPI_phoneClose;
static TSPI_phoneGetDevCaps_fn *TSPI_phoneGetDevCaps;
static TSPI_phoneGetHookSwitch_fn *TSPI_phoneGetHookSwitch;
static TSPI_phoneSetHookSwitch_fn *TSPI_phoneSetHookSwitch;
static TSPI_phoneSetRing_fn *TSPI_phoneSetRing;
static TSPI_phoneGetRing_fn *TSPI_phoneGetRing;
static TSPI_phoneSetLamp_fn *TSPI_phoneSetLamp;
static DWORD (*TspHostShim_LastMessage)(WCHAR *, DWORD);

/* ---- what TAPI received: every callback, in order ---- */
enum { EV_COMPLETION, EV_LINE, EV_PHONE };
typedef struct { int kind; uintptr_t device; uintptr_t call; DWORD msg; uintptr_t p1, p2, p3; } event_t;
#define MAX_EVENTS 40000
static event_t g_events[MAX_EVENTS];
static int g_count;
static pthread_mutex_t g_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t g_changed = PTHREAD_COND_INITIALIZER;
static int g_inside;                 /* callbacks running right now: must never exceed 1 */
static _Thread_local int t_tapi_caller;  /* set on the threads that call TSPI functions: a callback must never run on one */
static uintptr_t g_next_htcall = 0x9000;
static DWORD g_next_request = 1000;
static const char *g_scenario = "";
static int g_refuse_new_calls;       /* TAPI answers LINE_NEWCALL with a null handle */

static void fail(const char *format, ...) {
    va_list args;
    va_start(args, format);
    printf("FAIL: ");
    vprintf(format, args);
    va_end(args);
    WCHAR message[512];
    if (TspHostShim_LastMessage && TspHostShim_LastMessage(message, 512) > 0) {
        printf(" (shim: ");
        for (int i = 0; message[i]; i++) putchar(message[i] < 128 ? (char)message[i] : '?');
        printf(")");
    }
    printf("\n");
    fflush(stdout);
    exit(1);
}

static void ok(const char *format, ...) {
    va_list args;
    va_start(args, format);
    printf("ok: ");
    vprintf(format, args);
    printf("\n");
    va_end(args);
    fflush(stdout);
}

#define EXPECT(cond, ...) do { if (!(cond)) fail(__VA_ARGS__); } while (0)
#define EXPECT_RESULT(got, want, what) do { LONG g_ = (got); if (g_ != (LONG)(want)) fail("%s returned 0x%08X, expected 0x%08X", what, (unsigned)g_, (unsigned)(want)); ok("%s -> 0x%08X", what, (unsigned)g_); } while (0)

static void record(event_t e) {
    if (t_tapi_caller) fail("a callback ran on a thread that calls TSPI functions (re-entrant)");
    pthread_mutex_lock(&g_lock);
    if (++g_inside > 1) { pthread_mutex_unlock(&g_lock); fail("two callbacks ran at once"); }
    if (g_count < MAX_EVENTS) g_events[g_count++] = e;
    pthread_cond_broadcast(&g_changed);
    g_inside--;
    pthread_mutex_unlock(&g_lock);
}

static void on_completion(DWORD request, LONG result) {
    record((event_t){ EV_COMPLETION, request, 0, 0, (uintptr_t)(uint32_t)result, 0, 0 });
}

static void on_line(HTAPILINE htLine, HTAPICALL htCall, DWORD msg, DWORD_PTR p1, DWORD_PTR p2, DWORD_PTR p3) {
    if (msg == LINE_NEWCALL) {
        /* TAPI answers LINE_NEWCALL by writing its handle for the call where p2 points. */
        pthread_mutex_lock(&g_lock);
        htCall = g_refuse_new_calls ? 0 : ++g_next_htcall;
        pthread_mutex_unlock(&g_lock);
        *(HTAPICALL *)p2 = htCall;
    }
    record((event_t){ EV_LINE, htLine, htCall, msg, p1, p2, p3 });
}

static void on_phone(HTAPIPHONE htPhone, DWORD msg, DWORD_PTR p1, DWORD_PTR p2, DWORD_PTR p3) {
    record((event_t){ EV_PHONE, htPhone, 0, msg, p1, p2, p3 });
}

static long now_ms(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return t.tv_sec * 1000L + t.tv_nsec / 1000000L;
}

typedef int (*match_fn)(const event_t *e, const void *arg);

/* Waits (bounded) for an event at index >= from that matches; returns its index. */
static int wait_for(int from, match_fn match, const void *arg, int timeout_ms, const char *what) {
    long deadline = now_ms() + timeout_ms;
    pthread_mutex_lock(&g_lock);
    for (;;) {
        for (int i = from; i < g_count; i++) {
            if (match(&g_events[i], arg)) { pthread_mutex_unlock(&g_lock); return i; }
        }
        long left = deadline - now_ms();
        if (left <= 0) break;
        struct timespec until;
        clock_gettime(CLOCK_REALTIME, &until);
        until.tv_sec += left / 1000;
        until.tv_nsec += (left % 1000) * 1000000L;
        if (until.tv_nsec >= 1000000000L) { until.tv_sec++; until.tv_nsec -= 1000000000L; }
        pthread_cond_timedwait(&g_changed, &g_lock, &until);
    }
    pthread_mutex_unlock(&g_lock);
    fail("timed out after %d ms waiting for %s", timeout_ms, what);
    return -1;
}

static int mark(void) { pthread_mutex_lock(&g_lock); int n = g_count; pthread_mutex_unlock(&g_lock); return n; }

typedef struct { DWORD request; } completion_arg;
static int is_completion(const event_t *e, const void *arg) { return e->kind == EV_COMPLETION && e->device == ((const completion_arg *)arg)->request; }

static LONG completion_within(LONG request, int timeout_ms) {
    completion_arg a = { (DWORD)request };
    char what[64];
    snprintf(what, sizeof what, "the completion of request %d", request);
    int i = wait_for(0, is_completion, &a, timeout_ms, what);
    return (LONG)(uint32_t)g_events[i].p1;
}

static LONG completion(LONG request) { return completion_within(request, WAIT_MS); }

typedef struct { uintptr_t call; DWORD state; } state_arg;
static int is_call_state(const event_t *e, const void *arg) {
    const state_arg *a = arg;
    return e->kind == EV_LINE && e->msg == LINE_CALLSTATE && e->call == a->call && e->p1 == a->state;
}

static void expect_state(int from, uintptr_t htCall, DWORD state, const char *name) {
    state_arg a = { htCall, state };
    char what[96];
    snprintf(what, sizeof what, "LINE_CALLSTATE %s on call 0x%lx", name, (unsigned long)htCall);
    wait_for(from, is_call_state, &a, WAIT_MS, what);
    ok("call 0x%lx went %s", (unsigned long)htCall, name);
}

typedef struct { int kind; DWORD msg; uintptr_t p1; } message_arg;
static int is_message(const event_t *e, const void *arg) {
    const message_arg *a = arg;
    return e->kind == a->kind && e->msg == a->msg && (e->p1 & a->p1) != 0;
}

static int count_completions(DWORD request) {
    int n = 0;
    pthread_mutex_lock(&g_lock);
    for (int i = 0; i < g_count; i++) if (g_events[i].kind == EV_COMPLETION && g_events[i].device == request) n++;
    pthread_mutex_unlock(&g_lock);
    return n;
}

/* Every request TAPI got an ID for must complete exactly once (R6). */
#define MAX_ACCEPTED 16384
static DWORD g_accepted[MAX_ACCEPTED];
static int g_naccepted;
static LONG accept_request(LONG result, const char *what) {
    if (result <= 0) fail("%s returned 0x%08X instead of a request ID", what, (unsigned)result);
    if (g_naccepted < MAX_ACCEPTED) g_accepted[g_naccepted++] = (DWORD)result;
    return result;
}

static void expect_exactly_once(void) {
    for (int i = 0; i < g_naccepted; i++) {
        int n = count_completions(g_accepted[i]);
        if (n != 1) fail("request %u was completed %d times (R6: exactly once)", g_accepted[i], n);
    }
    ok("all %d asynchronous requests completed exactly once (R6)", g_naccepted);
}

static DWORD next_request(void) { return ++g_next_request; }
static HTAPICALL next_htcall(void) { pthread_mutex_lock(&g_lock); HTAPICALL h = ++g_next_htcall; pthread_mutex_unlock(&g_lock); return h; }

static const WCHAR *wide(const char *s) {
    static WCHAR buffers[8][128];
    static int next;
    WCHAR *w = buffers[next++ % 8];
    size_t i = 0;
    for (; s[i] && i < 127; i++) w[i] = (WCHAR)(unsigned char)s[i];
    w[i] = 0;
    return w;
}

/* A UTF-16 string inside a variable-size structure, checked against its size and the used part. */
static void narrow_at(const void *structure, DWORD size, DWORD offset, char *out, size_t capacity) {
    const DWORD used = ((const DWORD *)structure)[2];
    out[0] = 0;
    if (size == 0) return;
    if (offset + size > used) fail("a string at offset %u size %u lies outside dwUsedSize %u", offset, size, used);
    if (size % 2 != 0) fail("a UTF-16 string has an odd size %u", size);
    const WCHAR *w = (const WCHAR *)((const char *)structure + offset);
    size_t n = size / 2;
    if (w[n - 1] != 0) fail("a string at offset %u is not NUL-terminated", offset);
    size_t i = 0;
    for (; i + 1 < n && i + 1 < capacity; i++) out[i] = w[i] < 128 ? (char)w[i] : '?';
    out[i] = 0;
}

static void load(const char *path) {
    void *shim = dlopen(path, RTLD_NOW | RTLD_LOCAL);
    if (!shim) fail("dlopen %s: %s", path, dlerror());
#define BIND(name) do { *(void **)&name = dlsym(shim, #name); if (!name) fail("the shim does not export %s", #name); } while (0)
    BIND(TSPI_providerEnumDevices); BIND(TSPI_providerInit); BIND(TSPI_providerShutdown); BIND(TSPI_providerInstall);
    BIND(TSPI_providerConfig); BIND(TSPI_providerRemove); BIND(TSPI_providerCreateLineDevice); BIND(TSPI_providerCreatePhoneDevice);
    BIND(TSPI_lineNegotiateTSPIVersion); BIND(TSPI_lineNegotiateExtVersion); BIND(TSPI_lineSelectExtVersion); BIND(TSPI_lineOpen);
    BIND(TSPI_lineClose); BIND(TSPI_lineGetDevCaps); BIND(TSPI_lineGetAddressCaps); BIND(TSPI_lineGetCallInfo); BIND(TSPI_lineGetCallStatus);
    BIND(TSPI_lineMakeCall); BIND(TSPI_lineDial); BIND(TSPI_lineAnswer); BIND(TSPI_lineDrop); BIND(TSPI_lineHold); BIND(TSPI_lineUnhold);
    BIND(TSPI_lineSetupTransfer); BIND(TSPI_lineCompleteTransfer); BIND(TSPI_lineSetupConference); BIND(TSPI_lineCloseCall);
    BIND(TSPI_phoneNegotiateTSPIVersion); BIND(TSPI_phoneOpen); BIND(TSPI_phoneClose); BIND(TSPI_phoneGetDevCaps);
    BIND(TSPI_phoneGetHookSwitch); BIND(TSPI_phoneSetHookSwitch); BIND(TSPI_phoneSetRing); BIND(TSPI_phoneGetRing); BIND(TSPI_phoneSetLamp);
    BIND(TspHostShim_LastMessage);
#undef BIND
    ok("loaded %s: all 36 TSPI functions exported", path);
}

/* ---- the session as TAPI runs it ---- */
typedef struct { DWORD version, lines, phones; } session_t;
#define HT_LINE0 0x4000u
#define HT_PHONE0 0x5000u

static session_t start_session(void) {
    session_t s = { 0, 0, 0 };
    EXPECT_RESULT(TSPI_lineNegotiateTSPIVersion(INITIALIZE_NEGOTIATION, TAPI_2_0, TAPI_3_1, &s.version), 0, "lineNegotiateTSPIVersion(INITIALIZE_NEGOTIATION)");
    EXPECT(s.version == TAPI_3_1, "negotiated 0x%08X, expected 3.1", s.version);
    EXPECT_RESULT(TSPI_providerEnumDevices(PROVIDER_ID, &s.lines, &s.phones, 0x77, on_line, on_phone), 0, "providerEnumDevices");
    EXPECT(s.lines >= 2 && s.phones >= 1, "providerEnumDevices counted %u lines, %u phones", s.lines, s.phones);
    DWORD options = 0xFFFF;
    EXPECT_RESULT(TSPI_providerInit(s.version, PROVIDER_ID, 0, 0, s.lines, s.phones, on_completion, &options), 0, "providerInit");
    EXPECT(options == 0, "providerInit set TSPI options 0x%X (the host is reentrant)", options);
    return s;
}

static HDRVLINE open_line(DWORD device, HTAPILINE htLine) {
    DWORD version = 0;
    EXPECT_RESULT(TSPI_lineNegotiateTSPIVersion(device, TAPI_2_0, TAPI_3_1, &version), 0, "lineNegotiateTSPIVersion(line)");
    HDRVLINE hdLine = 0;
    EXPECT_RESULT(TSPI_lineOpen(device, htLine, &hdLine, version, on_line), 0, "lineOpen");
    EXPECT(hdLine != 0, "lineOpen gave no hdLine");
    return hdLine;
}

/* The common start: install, a session, line 0 open. */
static HDRVLINE install_and_open_line(session_t *s) {
    EXPECT_RESULT(TSPI_providerInstall(NULL, PROVIDER_ID), 0, "providerInstall");
    *s = start_session();
    return open_line(0, HT_LINE0);
}

static int wait_new_call(void) {
    message_arg newcall = { EV_LINE, LINE_NEWCALL, ~(uintptr_t)0 };
    return wait_for(0, is_message, &newcall, WAIT_MS, "LINE_NEWCALL");
}

static HDRVCALL make_connected_call(HDRVLINE hdLine, HTAPICALL htCall, const char *number) {
    HDRVCALL hdCall = 0;
    int from = mark();
    LONG request = accept_request(TSPI_lineMakeCall(next_request(), hdLine, htCall, &hdCall, wide(number), 0, NULL), "lineMakeCall");
    EXPECT(hdCall != 0, "lineMakeCall filled no hdCall");
    EXPECT_RESULT(completion(request), 0, "lineMakeCall completion");
    expect_state(from, htCall, LINECALLSTATE_CONNECTED, "CONNECTED");
    return hdCall;
}

static void drop_and_close(HDRVCALL hdCall, HTAPICALL htCall) {
    int from = mark();
    LONG drop = accept_request(TSPI_lineDrop(next_request(), hdCall, NULL, 0), "lineDrop");
    EXPECT_RESULT(completion(drop), 0, "lineDrop completion");
    expect_state(from, htCall, LINECALLSTATE_IDLE, "IDLE");
    EXPECT_RESULT(TSPI_lineCloseCall(hdCall), 0, "lineCloseCall");
}

static void check_structures(DWORD version) {
    /* LINEDEVCAPS: too small for the fixed part, exactly the fixed part, and roomy. */
    union { LINEDEVCAPS caps; char bytes[4096]; } big;
    memset(&big, 0xCC, sizeof big);
    big.caps.dwTotalSize = 12;
    EXPECT_RESULT(TSPI_lineGetDevCaps(0, version, 0, &big.caps), LINEERR_STRUCTURETOOSMALL, "lineGetDevCaps(12 bytes)");
    EXPECT(big.caps.dwNeededSize == sizeof(LINEDEVCAPS), "dwNeededSize %u for a 3.1 LINEDEVCAPS, expected %zu", big.caps.dwNeededSize, sizeof(LINEDEVCAPS));
    memset(&big, 0xCC, sizeof big);
    big.caps.dwTotalSize = sizeof(LINEDEVCAPS);
    EXPECT_RESULT(TSPI_lineGetDevCaps(0, version, 0, &big.caps), 0, "lineGetDevCaps(fixed part only)");
    EXPECT(big.caps.dwNeededSize > big.caps.dwUsedSize && big.caps.dwUsedSize == sizeof(LINEDEVCAPS),
        "a fixed-size buffer: needed %u, used %u", big.caps.dwNeededSize, big.caps.dwUsedSize);
    EXPECT(big.caps.dwLineNameSize == 0 && big.caps.dwLineNameOffset == 0, "a string that did not fit has size %u", big.caps.dwLineNameSize);
    DWORD needed = big.caps.dwNeededSize;
    memset(&big, 0xCC, sizeof big);
    big.caps.dwTotalSize = sizeof big;
    EXPECT_RESULT(TSPI_lineGetDevCaps(0, version, 0, &big.caps), 0, "lineGetDevCaps(roomy)");
    EXPECT(big.caps.dwNeededSize == needed && big.caps.dwUsedSize == needed && big.caps.dwTotalSize == sizeof big,
        "roomy LINEDEVCAPS: total %u needed %u used %u", big.caps.dwTotalSize, big.caps.dwNeededSize, big.caps.dwUsedSize);
    char name[128], info[128];
    narrow_at(&big, big.caps.dwLineNameSize, big.caps.dwLineNameOffset, name, sizeof name);
    narrow_at(&big, big.caps.dwProviderInfoSize, big.caps.dwProviderInfoOffset, info, sizeof info);
    EXPECT(name[0] != 0 && big.caps.dwNumAddresses >= 1 && big.caps.dwMaxNumActiveCalls >= 1 && big.caps.dwGenerateToneModes == 0,
        "LINEDEVCAPS content: name '%s', %u addresses, %u calls", name, big.caps.dwNumAddresses, big.caps.dwMaxNumActiveCalls);
    ok("LINEDEVCAPS: line '%s' (%s), permanent ID %u, %u addresses, %u calls, %zu-byte fixed part", name, info,
        big.caps.dwPermanentLineID, big.caps.dwNumAddresses, big.caps.dwMaxNumActiveCalls, sizeof(LINEDEVCAPS));

    union { LINEADDRESSCAPS caps; char bytes[2048]; } address;
    memset(&address, 0, sizeof address);
    address.caps.dwTotalSize = sizeof(LINEADDRESSCAPS) - 4;
    EXPECT_RESULT(TSPI_lineGetAddressCaps(0, 0, version, 0, &address.caps), LINEERR_STRUCTURETOOSMALL, "lineGetAddressCaps(too small)");
    address.caps.dwTotalSize = sizeof address;
    EXPECT_RESULT(TSPI_lineGetAddressCaps(0, 0, version, 0, &address.caps), 0, "lineGetAddressCaps");
    char number[64];
    narrow_at(&address, address.caps.dwAddressSize, address.caps.dwAddressOffset, number, sizeof number);
    EXPECT(strcmp(number, "201") == 0, "line 0's address is '%s', expected the Simulated exchange's 201", number);
    EXPECT((address.caps.dwCallStates & LINECALLSTATE_CONNECTED) && (address.caps.dwTransferModes & LINETRANSFERMODE_TRANSFER),
        "LINEADDRESSCAPS call states 0x%X transfer modes 0x%X", address.caps.dwCallStates, address.caps.dwTransferModes);
    ok("LINEADDRESSCAPS: address %s, call states 0x%X, transfer modes 0x%X", number, address.caps.dwCallStates, address.caps.dwTransferModes);

    union { PHONECAPS caps; char bytes[2048]; } phone;
    memset(&phone, 0, sizeof phone);
    phone.caps.dwTotalSize = 40;
    EXPECT_RESULT(TSPI_phoneGetDevCaps(0, version, 0, &phone.caps), PHONEERR_STRUCTURETOOSMALL, "phoneGetDevCaps(too small)");
    phone.caps.dwTotalSize = sizeof phone;
    EXPECT_RESULT(TSPI_phoneGetDevCaps(0, version, 0, &phone.caps), 0, "phoneGetDevCaps");
    narrow_at(&phone, phone.caps.dwPhoneNameSize, phone.caps.dwPhoneNameOffset, name, sizeof name);
    EXPECT(name[0] && (phone.caps.dwHookSwitchDevs & PHONEHOOKSWITCHDEV_HANDSET) && phone.caps.dwNumRingModes == 3 && phone.caps.dwNumButtonLamps >= 2,
        "PHONECAPS: '%s' hook switches 0x%X ring modes %u lamps %u", name, phone.caps.dwHookSwitchDevs, phone.caps.dwNumRingModes, phone.caps.dwNumButtonLamps);
    ok("PHONECAPS: phone '%s', hook switches 0x%X, %u ring modes, %u lamps", name, phone.caps.dwHookSwitchDevs, phone.caps.dwNumRingModes, phone.caps.dwNumButtonLamps);
}

static void check_call_info(HDRVCALL hdCall, const char *caller, const char *caller_name, const char *called) {
    union { LINECALLINFO info; char bytes[2048]; } info;
    memset(&info, 0, sizeof info);
    info.info.dwTotalSize = 64;
    EXPECT_RESULT(TSPI_lineGetCallInfo(hdCall, &info.info), LINEERR_STRUCTURETOOSMALL, "lineGetCallInfo(too small)");
    info.info.dwTotalSize = sizeof info;
    EXPECT_RESULT(TSPI_lineGetCallInfo(hdCall, &info.info), 0, "lineGetCallInfo");
    char text[128];
    if (caller) {
        narrow_at(&info, info.info.dwCallerIDSize, info.info.dwCallerIDOffset, text, sizeof text);
        EXPECT(strcmp(text, caller) == 0, "caller ID '%s', expected '%s'", text, caller);
    }
    if (caller_name) {
        narrow_at(&info, info.info.dwCallerIDNameSize, info.info.dwCallerIDNameOffset, text, sizeof text);
        EXPECT(strcmp(text, caller_name) == 0, "caller name '%s', expected '%s'", text, caller_name);
    }
    if (called) {
        narrow_at(&info, info.info.dwCalledIDSize, info.info.dwCalledIDOffset, text, sizeof text);
        EXPECT(strcmp(text, called) == 0, "called ID '%s', expected '%s'", text, called);
    }
    EXPECT(info.info.dwUsedSize <= info.info.dwTotalSize && info.info.dwNeededSize == info.info.dwUsedSize, "LINECALLINFO sizes");
    ok("LINECALLINFO: line %u, origin 0x%X, caller %s, called %s", info.info.dwLineDeviceID, info.info.dwOrigin, caller ? caller : "-", called ? called : "-");
}

static DWORD call_state(HDRVCALL hdCall) {
    LINECALLSTATUS status;
    memset(&status, 0, sizeof status);
    status.dwTotalSize = sizeof status;
    EXPECT_RESULT(TSPI_lineGetCallStatus(hdCall, &status), 0, "lineGetCallStatus");
    EXPECT(status.dwUsedSize == sizeof status && status.tStateEntryTime.wYear >= 2024, "LINECALLSTATUS used %u, entered %u", status.dwUsedSize, status.tStateEntryTime.wYear);
    return status.dwCallState;
}

/* ---- scenarios ---- */

static void scenario_lifecycle(void) {
    /* R11: a provider that is not installed refuses init with a clear message. */
    DWORD version = 0, lines = 0, phones = 0, options = 0;
    EXPECT_RESULT(TSPI_lineNegotiateTSPIVersion(INITIALIZE_NEGOTIATION, TAPI_2_0, TAPI_3_1, &version), 0, "lineNegotiateTSPIVersion before install");
    LONG refused = TSPI_providerInit(version, PROVIDER_ID, 0, 0, 0, 0, on_completion, &options);
    EXPECT(refused < 0, "providerInit on an uninstalled provider returned 0x%08X (R11)", (unsigned)refused);
    ok("providerInit before providerInstall refused with 0x%08X (R11)", (unsigned)refused);
    EXPECT_RESULT(TSPI_providerEnumDevices(PROVIDER_ID, &lines, &phones, 0x77, on_line, on_phone), LINEERR_NODRIVER, "providerEnumDevices before install");

    EXPECT_RESULT(TSPI_providerInstall(NULL, PROVIDER_ID), 0, "providerInstall");
    EXPECT(TSPI_providerInstall(NULL, PROVIDER_ID) < 0, "a second providerInstall was accepted (R11)");
    ok("a second providerInstall is refused (R11)");

    session_t s = start_session();
    check_structures(s.version);

    DWORD ext = 0x12345;
    LONG negotiated = TSPI_lineNegotiateExtVersion(0, s.version, 0x00010000, 0x00020000, &ext);
    /* A device without extensions answers OPERATIONUNAVAIL; one with them a version in the range, or INCOMPATIBLEEXTVERSION. */
    EXPECT(negotiated == 0 ? (ext >= 0x00010000 && ext <= 0x00020000) : (negotiated == LINEERR_INCOMPATIBLEEXTVERSION || negotiated == LINEERR_OPERATIONUNAVAIL),
        "lineNegotiateExtVersion returned 0x%08X with 0x%X", (unsigned)negotiated, ext);
    ok("lineNegotiateExtVersion -> 0x%08X (ext 0x%X)", (unsigned)negotiated, ext);
    EXPECT(TSPI_lineNegotiateExtVersion(INITIALIZE_NEGOTIATION, s.version, 1, 2, &ext) < 0, "lineNegotiateExtVersion accepted INITIALIZE_NEGOTIATION");

    HDRVLINE hdLine = open_line(0, HT_LINE0);
    EXPECT_RESULT(TSPI_lineSelectExtVersion(hdLine, 0), 0, "lineSelectExtVersion(0)");
    EXPECT(TSPI_lineSelectExtVersion(0xDEAD, 0) == LINEERR_INVALLINEHANDLE, "lineSelectExtVersion accepted a forged handle");

    DWORD phoneVersion = 0;
    EXPECT_RESULT(TSPI_phoneNegotiateTSPIVersion(0, TAPI_2_0, TAPI_3_1, &phoneVersion), 0, "phoneNegotiateTSPIVersion");
    HDRVPHONE hdPhone = 0;
    EXPECT_RESULT(TSPI_phoneOpen(0, HT_PHONE0, &hdPhone, phoneVersion, on_phone), 0, "phoneOpen");

    /* An outbound call: completion first, then progress to CONNECTED; hold and unhold; drop (R6, R10). */
    HTAPICALL htCall = next_htcall();
    int from = mark();
    HDRVCALL hdCall = make_connected_call(hdLine, htCall, "5550100");
    int completed = -1, first_state = -1;
    pthread_mutex_lock(&g_lock);
    for (int i = from; i < g_count; i++) {
        if (completed < 0 && g_events[i].kind == EV_COMPLETION) completed = i;
        if (first_state < 0 && g_events[i].kind == EV_LINE && g_events[i].call == htCall) first_state = i;
    }
    pthread_mutex_unlock(&g_lock);
    EXPECT(completed >= 0 && first_state > completed, "an event for the new call came before its request completed (R10)");
    ok("no event mentioned the new call before its request completed (R10)");
    EXPECT(call_state(hdCall) == LINECALLSTATE_CONNECTED, "lineGetCallStatus does not say CONNECTED");
    check_call_info(hdCall, NULL, NULL, "5550100");
    from = mark();
    EXPECT_RESULT(completion(accept_request(TSPI_lineHold(next_request(), hdCall), "lineHold")), 0, "lineHold completion");
    expect_state(from, htCall, LINECALLSTATE_ONHOLD, "ONHOLD");
    from = mark();
    EXPECT_RESULT(completion(accept_request(TSPI_lineUnhold(next_request(), hdCall), "lineUnhold")), 0, "lineUnhold completion");
    expect_state(from, htCall, LINECALLSTATE_CONNECTED, "CONNECTED again");
    drop_and_close(hdCall, htCall);
    EXPECT_RESULT(TSPI_lineCloseCall(hdCall), 0, "lineCloseCall again (idempotent, R9)");
    EXPECT(TSPI_lineDrop(next_request(), hdCall, NULL, 0) == LINEERR_INVALCALLHANDLE, "a closed call's handle was accepted");

    /* The phone: ring, hook switch, lamp. */
    from = mark();
    EXPECT_RESULT(completion(accept_request(TSPI_phoneSetRing(next_request(), hdPhone, 2, 0x8000), "phoneSetRing")), 0, "phoneSetRing completion");
    DWORD ringMode = 0, volume = 0;
    EXPECT_RESULT(TSPI_phoneGetRing(hdPhone, &ringMode, &volume), 0, "phoneGetRing");
    EXPECT(ringMode == 2 && volume == 0x8000, "phoneGetRing says mode %u volume 0x%X", ringMode, volume);
    EXPECT_RESULT(completion(accept_request(TSPI_phoneSetHookSwitch(next_request(), hdPhone, PHONEHOOKSWITCHDEV_HANDSET, PHONEHOOKSWITCHMODE_MICSPEAKER), "phoneSetHookSwitch")), 0, "phoneSetHookSwitch completion");
    DWORD offHook = 0;
    EXPECT_RESULT(TSPI_phoneGetHookSwitch(hdPhone, &offHook), 0, "phoneGetHookSwitch");
    EXPECT(offHook & PHONEHOOKSWITCHDEV_HANDSET, "phoneGetHookSwitch says 0x%X, the handset should be off hook", offHook);
    message_arg hook = { EV_PHONE, PHONE_STATE, PHONESTATE_HANDSETHOOKSWITCH };
    wait_for(from, is_message, &hook, WAIT_MS, "PHONE_STATE(HANDSETHOOKSWITCH)");
    ok("PHONE_STATE(HANDSETHOOKSWITCH) arrived");
    message_arg ringModeChanged = { EV_PHONE, PHONE_STATE, PHONESTATE_RINGMODE };
    wait_for(from, is_message, &ringModeChanged, WAIT_MS, "PHONE_STATE(RINGMODE) after phoneSetRing");
    ok("PHONE_STATE(RINGMODE) arrived");
    from = mark();
    EXPECT_RESULT(completion(accept_request(TSPI_phoneSetLamp(next_request(), hdPhone, 1, PHONELAMPMODE_STEADY), "phoneSetLamp")), 0, "phoneSetLamp completion");
    message_arg lamp = { EV_PHONE, PHONE_STATE, PHONESTATE_LAMP };
    int lampAt = wait_for(from, is_message, &lamp, WAIT_MS, "PHONE_STATE(LAMP) after phoneSetLamp");
    EXPECT(g_events[lampAt].p2 == 1 && g_events[lampAt].device == HT_PHONE0, "PHONE_STATE(LAMP) names lamp %lu on htPhone 0x%lx", (unsigned long)g_events[lampAt].p2, (unsigned long)g_events[lampAt].device);
    ok("PHONE_STATE(LAMP) for lamp 1 arrived");

    /* providerCreateLineDevice outside a LINE_CREATE is refused. */
    EXPECT(TSPI_providerCreateLineDevice(99, 99) < 0, "providerCreateLineDevice without a LINE_CREATE was accepted");
    EXPECT(TSPI_providerCreatePhoneDevice(99, 99) < 0, "providerCreatePhoneDevice without a PHONE_CREATE was accepted");
    ok("providerCreateLineDevice / providerCreatePhoneDevice without a pending create are refused");

    /* R13, R14: configure during the session is accepted, deferred, and asks clients to re-initialise. */
    from = mark();
    EXPECT_RESULT(TSPI_providerConfig(NULL, PROVIDER_ID), 0, "providerConfig during the session (TSPHOST_PROVIDER_CONFIG=Simulated:Lines=3)");
    message_arg reinit = { EV_LINE, LINE_LINEDEVSTATE, LINEDEVSTATE_REINIT };
    wait_for(from, is_message, &reinit, WAIT_MS, "LINEDEVSTATE_REINIT after providerConfig (R14)");
    ok("LINEDEVSTATE_REINIT after providerConfig (R14)");
    LINEDEVCAPS third;
    memset(&third, 0, sizeof third);
    third.dwTotalSize = sizeof third;
    EXPECT(TSPI_lineGetDevCaps(2, s.version, 0, &third) < 0, "the running session already has a third line (R13: deferred)");
    ok("the running session still has %u lines (R13)", s.lines);

    EXPECT_RESULT(TSPI_phoneClose(hdPhone), 0, "phoneClose");
    EXPECT_RESULT(TSPI_lineClose(hdLine), 0, "lineClose");
    EXPECT_RESULT(TSPI_providerShutdown(s.version, PROVIDER_ID), 0, "providerShutdown");
    expect_exactly_once();

    /* The next session reads the new configuration (R14) and nothing of the first survives (R1). */
    session_t second = start_session();
    EXPECT(second.lines == 3, "the second session has %u lines, expected 3 after the deferred providerConfig (R13, R14)", second.lines);
    ok("the second session has 3 lines (R13, R14)");
    EXPECT(TSPI_lineClose(hdLine) == LINEERR_INVALLINEHANDLE, "a line handle from the first session was accepted (R1)");
    ok("a handle from the first session is refused (R1)");

    /* R13: remove during a session is accepted and takes effect at shutdown. */
    from = mark();
    EXPECT_RESULT(TSPI_providerRemove(NULL, PROVIDER_ID), 0, "providerRemove during the session");
    wait_for(from, is_message, &reinit, WAIT_MS, "LINEDEVSTATE_REINIT after providerRemove (R14)");
    ok("LINEDEVSTATE_REINIT after providerRemove (R14)");
    EXPECT_RESULT(TSPI_providerShutdown(second.version, PROVIDER_ID), 0, "providerShutdown");
    refused = TSPI_providerInit(second.version, PROVIDER_ID, 0, 0, 3, 3, on_completion, &options);
    EXPECT(refused < 0, "providerInit after the deferred remove returned 0x%08X (R11)", (unsigned)refused);
    ok("providerInit after the deferred providerRemove is refused (R11, R13)");
}

static void scenario_incoming(void) {
    session_t s;
    HDRVLINE hdLine = install_and_open_line(&s);

    /* The host's Simulated exchange is scripted to ring line 1 from Alice shortly after the session starts. */
    int at = wait_new_call();
    HDRVCALL hdCall = g_events[at].p1;
    HTAPICALL htCall = g_events[at].call;
    EXPECT(g_events[at].device == HT_LINE0 && hdCall != 0, "LINE_NEWCALL on htLine 0x%lx with hdCall 0x%lx", (unsigned long)g_events[at].device, (unsigned long)hdCall);
    ok("LINE_NEWCALL: hdCall 0x%lx, TAPI answered htCall 0x%lx", (unsigned long)hdCall, (unsigned long)htCall);
    /* R10: LINE_NEWCALL is the first message for the call; every later one carries TAPI's htCall, the next is LINE_CALLSTATE. */
    int next = -1;
    state_arg offering = { htCall, LINECALLSTATE_OFFERING };
    wait_for(at, is_call_state, &offering, WAIT_MS, "OFFERING after LINE_NEWCALL");
    pthread_mutex_lock(&g_lock);
    for (int i = at + 1; i < g_count && next < 0; i++) if (g_events[i].kind == EV_LINE && g_events[i].call == htCall) next = i;
    pthread_mutex_unlock(&g_lock);
    EXPECT(next > at && g_events[next].msg == LINE_CALLSTATE, "the message after LINE_NEWCALL was %u, not LINE_CALLSTATE (R10)", g_events[next].msg);
    ok("LINE_NEWCALL came first, then LINE_CALLSTATE OFFERING with TAPI's htCall (R10)");
    check_call_info(hdCall, "5551234", "Alice", NULL);

    int from = mark();
    EXPECT_RESULT(completion(accept_request(TSPI_lineAnswer(next_request(), hdCall, NULL, 0), "lineAnswer")), 0, "lineAnswer completion");
    expect_state(from, htCall, LINECALLSTATE_CONNECTED, "CONNECTED");
    drop_and_close(hdCall, htCall);
    EXPECT_RESULT(TSPI_lineClose(hdLine), 0, "lineClose");
    EXPECT_RESULT(TSPI_providerShutdown(s.version, PROVIDER_ID), 0, "providerShutdown");
    expect_exactly_once();
}

static void scenario_refused(void) {
    /* R10: TAPI writes a null htCall for LINE_NEWCALL: the provider drops the call and sends nothing more for it. */
    g_refuse_new_calls = 1;
    session_t s;
    HDRVLINE hdLine = install_and_open_line(&s);
    int at = wait_new_call();
    HDRVCALL hdCall = g_events[at].p1;
    ok("LINE_NEWCALL for hdCall 0x%lx answered with a null htCall", (unsigned long)hdCall);
    LINECALLSTATUS status;
    long deadline = now_ms() + WAIT_MS;
    LONG result = 0;
    do {
        memset(&status, 0, sizeof status);
        status.dwTotalSize = sizeof status;
        result = TSPI_lineGetCallStatus(hdCall, &status);
    } while (result == 0 && now_ms() < deadline);
    EXPECT(result == LINEERR_INVALCALLHANDLE, "the refused call's handle still answers 0x%08X", (unsigned)result);
    ok("the refused call was dropped: its handle is invalid");
    struct timespec pause = { 1, 0 };
    nanosleep(&pause, NULL);
    pthread_mutex_lock(&g_lock);
    for (int i = at + 1; i < g_count; i++) {
        if (g_events[i].kind == EV_LINE && g_events[i].msg == LINE_CALLSTATE) { pthread_mutex_unlock(&g_lock); fail("LINE_CALLSTATE 0x%lx after TAPI refused the call", (unsigned long)g_events[i].p1); }
    }
    pthread_mutex_unlock(&g_lock);
    ok("nothing more was sent for the refused call (R10)");
    EXPECT_RESULT(TSPI_lineClose(hdLine), 0, "lineClose");
    EXPECT_RESULT(TSPI_providerShutdown(s.version, PROVIDER_ID), 0, "providerShutdown");
}

static void scenario_transfer(void) {
    session_t s;
    HDRVLINE hdLine = install_and_open_line(&s);

    /* Transfer: a consultation call is set up, dialled, and the transfer completed: both calls go IDLE. */
    HTAPICALL htCall = next_htcall(), htConsult = next_htcall();
    HDRVCALL hdCall = make_connected_call(hdLine, htCall, "5550100"), hdConsult = 0;
    int from = mark();
    LONG setup = accept_request(TSPI_lineSetupTransfer(next_request(), hdCall, htConsult, &hdConsult, NULL), "lineSetupTransfer");
    EXPECT(hdConsult != 0, "lineSetupTransfer filled no hdConsultCall");
    EXPECT_RESULT(completion(setup), 0, "lineSetupTransfer completion");
    expect_state(from, htConsult, LINECALLSTATE_DIALTONE, "DIALTONE (consultation)");
    expect_state(from, htCall, LINECALLSTATE_ONHOLDPENDTRANSFER, "ONHOLDPENDTRANSFER");
    from = mark();
    EXPECT_RESULT(completion(accept_request(TSPI_lineDial(next_request(), hdConsult, wide("5550142"), 0), "lineDial")), 0, "lineDial completion");
    expect_state(from, htConsult, LINECALLSTATE_CONNECTED, "CONNECTED (consultation)");
    from = mark();
    HDRVCALL hdConf = 0;
    EXPECT_RESULT(completion(accept_request(TSPI_lineCompleteTransfer(next_request(), hdCall, hdConsult, 0, &hdConf, LINETRANSFERMODE_TRANSFER), "lineCompleteTransfer")), 0,
        "lineCompleteTransfer completion");
    expect_state(from, htCall, LINECALLSTATE_IDLE, "IDLE (transferred)");
    expect_state(from, htConsult, LINECALLSTATE_IDLE, "IDLE (consultation)");
    EXPECT_RESULT(TSPI_lineCloseCall(hdCall), 0, "lineCloseCall");
    EXPECT_RESULT(TSPI_lineCloseCall(hdConsult), 0, "lineCloseCall (consultation)");

    /* Conference: the initial call goes CONFERENCED, the conference call ONHOLDPENDCONF, a consultation call DIALTONE. */
    HTAPICALL htFirst = next_htcall(), htConfCall = next_htcall(), htConsult2 = next_htcall();
    HDRVCALL hdFirst = make_connected_call(hdLine, htFirst, "5550101"), hdConfCall = 0, hdConsult2 = 0;
    from = mark();
    LONG conf = accept_request(TSPI_lineSetupConference(next_request(), hdFirst, hdLine, htConfCall, &hdConfCall, htConsult2, &hdConsult2, 3, NULL), "lineSetupConference");
    EXPECT(hdConfCall != 0 && hdConsult2 != 0, "lineSetupConference filled hdConfCall 0x%lx hdConsultCall 0x%lx", (unsigned long)hdConfCall, (unsigned long)hdConsult2);
    EXPECT_RESULT(completion(conf), 0, "lineSetupConference completion");
    expect_state(from, htConfCall, LINECALLSTATE_ONHOLDPENDCONF, "ONHOLDPENDCONF (conference)");
    expect_state(from, htConsult2, LINECALLSTATE_DIALTONE, "DIALTONE (consultation)");
    expect_state(from, htFirst, LINECALLSTATE_CONFERENCED, "CONFERENCED (initial call)");
    EXPECT(call_state(hdConfCall) == LINECALLSTATE_ONHOLDPENDCONF, "lineGetCallStatus of the conference call");
    EXPECT_RESULT(TSPI_lineClose(hdLine), 0, "lineClose with three calls up (R9: closing a line ends its calls)");
    EXPECT(TSPI_lineCloseCall(hdConfCall) == 0 && TSPI_lineCloseCall(hdConsult2) == 0 && TSPI_lineCloseCall(hdFirst) == 0, "lineCloseCall after lineClose must succeed");
    EXPECT_RESULT(TSPI_providerShutdown(s.version, PROVIDER_ID), 0, "providerShutdown");
    expect_exactly_once();
}

typedef struct { HDRVLINE hdLine; int thread; } burst_arg;
#define BURST_THREADS 4
#define BURST_CALLS 8

static void *burst(void *p) {
    const burst_arg *a = p;
    for (int i = 0; i < BURST_CALLS; i++) {
        HDRVCALL hdCall = 0;
        char number[16];
        snprintf(number, sizeof number, "55501%02d", a->thread * 10 + i);
        pthread_mutex_lock(&g_lock);
        DWORD request = next_request();
        pthread_mutex_unlock(&g_lock);
        LONG result = TSPI_lineMakeCall(request, a->hdLine, next_htcall(), &hdCall, wide(number), 0, NULL);
        pthread_mutex_lock(&g_lock);
        if (result > 0 && g_naccepted < MAX_ACCEPTED) g_accepted[g_naccepted++] = (DWORD)result;
        pthread_mutex_unlock(&g_lock);
    }
    return NULL;
}

static void *first_negotiation(void *result) {
    DWORD version = 0;
    *(LONG *)result = TSPI_lineNegotiateTSPIVersion(INITIALIZE_NEGOTIATION, TAPI_2_0, TAPI_3_1, &version);
    return NULL;
}

static void scenario_pending(void) {
    /* R3: the very first calls come from several threads at once; they share one connection to the host. */
    pthread_t first[BURST_THREADS];
    LONG results[BURST_THREADS];
    for (int t = 0; t < BURST_THREADS; t++) pthread_create(&first[t], NULL, first_negotiation, &results[t]);
    for (int t = 0; t < BURST_THREADS; t++) pthread_join(first[t], NULL);
    for (int t = 0; t < BURST_THREADS; t++) EXPECT(results[t] == 0, "a first lineNegotiateTSPIVersion from thread %d returned 0x%08X", t, (unsigned)results[t]);
    ok("%d threads calling first, at once, were all served (R3)", BURST_THREADS);

    /* R6 and R9: requests from several threads, then lineClose at once: before lineClose returns,
     * every accepted request has completed exactly once, and nothing is sent for the line afterwards. */
    session_t s;
    HDRVLINE hdLine = install_and_open_line(&s);
    pthread_t threads[BURST_THREADS];
    burst_arg args[BURST_THREADS];
    for (int t = 0; t < BURST_THREADS; t++) { args[t] = (burst_arg){ hdLine, t }; pthread_create(&threads[t], NULL, burst, &args[t]); }
    for (int t = 0; t < BURST_THREADS; t++) pthread_join(threads[t], NULL);
    EXPECT(g_naccepted > 0, "no lineMakeCall was accepted");
    ok("%d lineMakeCall requests accepted from %d threads (R3)", g_naccepted, BURST_THREADS);
    EXPECT_RESULT(TSPI_lineClose(hdLine), 0, "lineClose with calls and requests in flight");
    int closed_at = mark();
    for (int i = 0; i < g_naccepted; i++) EXPECT(count_completions(g_accepted[i]) == 1, "request %u had %d completions when lineClose returned (R6)", g_accepted[i], count_completions(g_accepted[i]));
    ok("every request completed exactly once before lineClose returned (R6)");
    struct timespec pause = { 0, 300 * 1000000L };
    nanosleep(&pause, NULL);
    pthread_mutex_lock(&g_lock);
    for (int i = closed_at; i < g_count; i++) {
        if (g_events[i].kind == EV_LINE && g_events[i].device == HT_LINE0) { pthread_mutex_unlock(&g_lock); fail("message %u for the line after lineClose", g_events[i].msg); }
    }
    pthread_mutex_unlock(&g_lock);
    ok("no message for the line or its calls after lineClose (R9)");
    EXPECT_RESULT(TSPI_providerShutdown(s.version, PROVIDER_ID), 0, "providerShutdown");
    expect_exactly_once();
}

static void wait_stdin(const char *prompt) {
    printf("%s\n", prompt);
    fflush(stdout);
    char line[64];
    if (!fgets(line, sizeof line, stdin)) fail("stdin closed while waiting for the test (%s)", prompt);
}

static HDRVPHONE open_phone(DWORD device, HTAPIPHONE htPhone) {
    DWORD version = 0;
    EXPECT_RESULT(TSPI_phoneNegotiateTSPIVersion(device, TAPI_2_0, TAPI_3_1, &version), 0, "phoneNegotiateTSPIVersion");
    HDRVPHONE hdPhone = 0;
    EXPECT_RESULT(TSPI_phoneOpen(device, htPhone, &hdPhone, version, on_phone), 0, "phoneOpen");
    return hdPhone;
}

/* The host is gone: every call fails at once, synchronously, and no new request is accepted. */
static void expect_fail_fast(HDRVLINE hdLine, HDRVCALL hdCall, HDRVPHONE hdPhone) {
    long started = now_ms();
    LINECALLSTATUS status;
    memset(&status, 0, sizeof status);
    status.dwTotalSize = sizeof status;
    EXPECT_RESULT(TSPI_lineGetCallStatus(hdCall, &status), LINEERR_OPERATIONFAILED, "lineGetCallStatus without a host");
    LONG drop = TSPI_lineDrop(next_request(), hdCall, NULL, 0);
    EXPECT(drop == LINEERR_OPERATIONFAILED, "lineDrop without a host returned 0x%08X", (unsigned)drop);
    HDRVCALL none = 0;
    LONG make = TSPI_lineMakeCall(next_request(), hdLine, next_htcall(), &none, wide("5550100"), 0, NULL);
    EXPECT(make == LINEERR_OPERATIONFAILED, "lineMakeCall without a host returned 0x%08X", (unsigned)make);
    DWORD ring = 0, volume = 0;
    EXPECT_RESULT(TSPI_phoneGetRing(hdPhone, &ring, &volume), PHONEERR_OPERATIONFAILED, "phoneGetRing without a host");
    EXPECT(now_ms() - started < 2000, "calls without a host took %ld ms instead of failing fast", now_ms() - started);
    ok("synchronous calls without a host failed fast (%ld ms)", now_ms() - started);
}

/* The test starts the host again: the shim reconnects and asks TAPI to re-initialise; TAPI closes what
 * it had open on the dead host, shuts down, and a new session on the restarted host works (its state survived, R12). */
static void restart_and_reinitialise(session_t s, HDRVLINE hdLine, HDRVPHONE hdPhone) {
    int from = mark();
    wait_stdin("READY: restart the host");
    message_arg reinit = { EV_LINE, LINE_LINEDEVSTATE, LINEDEVSTATE_REINIT };
    wait_for(from, is_message, &reinit, WAIT_MS, "LINEDEVSTATE_REINIT once the host is back");
    ok("the shim reconnected and asked TAPI to re-initialise");

    EXPECT_RESULT(TSPI_lineClose(hdLine), 0, "lineClose of the line opened on the dead host");
    EXPECT_RESULT(TSPI_phoneClose(hdPhone), 0, "phoneClose of the phone opened on the dead host");
    EXPECT_RESULT(TSPI_providerShutdown(s.version, PROVIDER_ID), 0, "providerShutdown");
    session_t again = start_session();
    HDRVLINE hdLine2 = open_line(0, HT_LINE0 + 1);
    HTAPICALL htCall2 = next_htcall();
    HDRVCALL hdCall2 = make_connected_call(hdLine2, htCall2, "5550100");
    drop_and_close(hdCall2, htCall2);
    EXPECT_RESULT(TSPI_lineClose(hdLine2), 0, "lineClose");
    EXPECT_RESULT(TSPI_providerShutdown(again.version, PROVIDER_ID), 0, "providerShutdown");
    ok("a new session on the restarted host works");
    expect_exactly_once();
}

static void scenario_hostkill(void) {
    session_t s;
    HDRVLINE hdLine = install_and_open_line(&s);
    HDRVPHONE hdPhone = open_phone(0, HT_PHONE0);
    HTAPICALL htCall = next_htcall();
    HDRVCALL hdCall = make_connected_call(hdLine, htCall, "5550100");

    int from = mark();
    wait_stdin("READY: kill the host");
    message_arg outOfService = { EV_LINE, LINE_LINEDEVSTATE, LINEDEVSTATE_OUTOFSERVICE };
    wait_for(from, is_message, &outOfService, WAIT_MS, "LINEDEVSTATE_OUTOFSERVICE after the host died");
    ok("the open line was reported out of service");
    expect_fail_fast(hdLine, hdCall, hdPhone);
    expect_exactly_once(); /* requests accepted before the host died were completed once, with a failure if they had not finished */
    restart_and_reinitialise(s, hdLine, hdPhone);
}

/* How long a completion the shim owes TAPI may take once the host is gone (or has stopped). */
#define HOST_GONE_MS 3000

/* The host answers every asynchronous request only after TAPISIM_RESPONSE_DELAY_MS (Simulated
 * ResponseDelay); a lineMakeCall and a phoneSetRing are still in flight when the test kills the host
 * (SIGKILL: the shim must fail them) or stops it (SIGTERM: the host fails them as it ends the session).
 * Either way TAPI gets exactly one failed completion per request, long before the delay would have ended. */
static void scenario_inflight(void) {
    const char *delay_text = getenv("TAPISIM_RESPONSE_DELAY_MS");
    long delay = delay_text ? strtol(delay_text, NULL, 10) : 0;
    EXPECT(delay >= 3 * HOST_GONE_MS, "TAPISIM_RESPONSE_DELAY_MS is '%s': set it to the host's ResponseDelay, %d ms or more", delay_text ? delay_text : "", 3 * HOST_GONE_MS);
    session_t s;
    HDRVLINE hdLine = install_and_open_line(&s);
    HDRVPHONE hdPhone = open_phone(0, HT_PHONE0);

    long issued = now_ms();
    HTAPICALL htCall = next_htcall();
    HDRVCALL hdCall = 0;
    LONG make = accept_request(TSPI_lineMakeCall(next_request(), hdLine, htCall, &hdCall, wide("5550100"), 0, NULL), "lineMakeCall");
    LONG ring = accept_request(TSPI_phoneSetRing(next_request(), hdPhone, 2, 0x8000), "phoneSetRing");
    EXPECT(hdCall != 0, "lineMakeCall filled no hdCall");
    EXPECT(count_completions(make) == 0 && count_completions(ring) == 0, "a request completed before the host's %ld ms delay", delay);
    ok("lineMakeCall request %d and phoneSetRing request %d are in flight", make, ring);

    int from = mark();
    char prompt[96];
    snprintf(prompt, sizeof prompt, "READY: requests %d %d in flight: take the host away", make, ring);
    wait_stdin(prompt);
    long gone = now_ms();
    LONG made = completion_within(make, HOST_GONE_MS), rang = completion_within(ring, HOST_GONE_MS);
    EXPECT(made == LINEERR_OPERATIONFAILED, "lineMakeCall request %d completed with 0x%08X, expected LINEERR_OPERATIONFAILED", make, (unsigned)made);
    EXPECT(rang == PHONEERR_OPERATIONFAILED, "phoneSetRing request %d completed with 0x%08X, expected PHONEERR_OPERATIONFAILED", ring, (unsigned)rang);
    long took = now_ms() - issued;
    EXPECT(took < delay * 3 / 4, "the failed completions came %ld ms after the requests, too close to the host's %ld ms delay", took, delay);
    ok("both requests completed with a failure (0x%08X, 0x%08X) %ld ms after the host went, %ld ms after they were made (R6)",
        (unsigned)made, (unsigned)rang, now_ms() - gone, took);

    message_arg outOfService = { EV_LINE, LINE_LINEDEVSTATE, LINEDEVSTATE_OUTOFSERVICE };
    wait_for(from, is_message, &outOfService, WAIT_MS, "LINEDEVSTATE_OUTOFSERVICE after the host went");
    message_arg disconnected = { EV_PHONE, PHONE_STATE, PHONESTATE_DISCONNECTED };
    wait_for(from, is_message, &disconnected, WAIT_MS, "PHONE_STATE(DISCONNECTED) after the host went");
    ok("the open line was reported LINEDEVSTATE_OUTOFSERVICE and the phone PHONESTATE_DISCONNECTED");
    expect_exactly_once();
    expect_fail_fast(hdLine, hdCall, hdPhone);
    restart_and_reinitialise(s, hdLine, hdPhone);
    EXPECT(count_completions(make) == 1 && count_completions(ring) == 1, "an in-flight request completed again after the host came back (R6)");
    ok("the in-flight requests completed exactly once, also after the host came back (R6)");
}

/* killburst: many threads send phoneSetRing requests as fast as they can (the host holds each for its
 * ResponseDelay) while the test kills the host. Requests sent as it dies fail synchronously or are
 * accepted; every one TAPI got an ID for must complete exactly once, with a failure, soon after. */
#define KILLBURST_THREADS 32
#define KILLBURST_BEFORE_KILL 200
#define KILLBURST_CAP 12000
static volatile int g_host_gone;

static int accepted_count(void) { pthread_mutex_lock(&g_lock); int n = g_naccepted; pthread_mutex_unlock(&g_lock); return n; }

static void *killburst(void *p) {
    HDRVPHONE hdPhone = *(const HDRVPHONE *)p;
    while (!g_host_gone && accepted_count() < KILLBURST_CAP) {
        pthread_mutex_lock(&g_lock);
        DWORD request = next_request();
        pthread_mutex_unlock(&g_lock);
        LONG result = TSPI_phoneSetRing(request, hdPhone, 1, 0x100);
        pthread_mutex_lock(&g_lock);
        if (result > 0) g_accepted[g_naccepted++] = (DWORD)result;
        pthread_mutex_unlock(&g_lock);
        if (result < 0) g_host_gone = 1;
    }
    return NULL;
}

static void scenario_killburst(void) {
    session_t s;
    install_and_open_line(&s);
    HDRVPHONE hdPhone = open_phone(0, HT_PHONE0);
    pthread_t threads[KILLBURST_THREADS];
    for (int t = 0; t < KILLBURST_THREADS; t++) pthread_create(&threads[t], NULL, killburst, &hdPhone);
    struct timespec pause = { 0, 1000000L };
    for (long deadline = now_ms() + WAIT_MS; accepted_count() < KILLBURST_BEFORE_KILL; nanosleep(&pause, NULL)) {
        EXPECT(now_ms() < deadline, "fewer than %d requests were accepted in %d ms", KILLBURST_BEFORE_KILL, WAIT_MS);
    }
    wait_stdin("READY: requests in flight from many threads: kill the host");
    for (int t = 0; t < KILLBURST_THREADS; t++) pthread_join(threads[t], NULL);
    EXPECT(g_host_gone, "the threads stopped before the host died (%d requests accepted)", g_naccepted);
    ok("%d phoneSetRing requests were accepted from %d threads before the host died", g_naccepted, KILLBURST_THREADS);

    long deadline = now_ms() + HOST_GONE_MS;
    for (int i = 0; i < g_naccepted; i++) {
        while (count_completions(g_accepted[i]) == 0 && now_ms() < deadline) nanosleep(&pause, NULL);
        EXPECT(count_completions(g_accepted[i]) > 0, "request %u (of %d accepted) was never completed after the host died (R6)", g_accepted[i], g_naccepted);
    }
    expect_exactly_once();
    pthread_mutex_lock(&g_lock);
    for (int i = 0; i < g_count; i++) {
        if (g_events[i].kind == EV_COMPLETION && (LONG)(uint32_t)g_events[i].p1 != PHONEERR_OPERATIONFAILED) {
            pthread_mutex_unlock(&g_lock);
            fail("request %lu completed with 0x%08lX, expected PHONEERR_OPERATIONFAILED", (unsigned long)g_events[i].device, (unsigned long)g_events[i].p1);
        }
    }
    pthread_mutex_unlock(&g_lock);
    ok("every accepted request completed once, with PHONEERR_OPERATIONFAILED, within %d ms of the host dying (R6)", HOST_GONE_MS);
    EXPECT_RESULT(TSPI_providerShutdown(s.version, PROVIDER_ID), 0, "providerShutdown without a host");
}

static void scenario_nohost(void) {
    /* No host at all: everything fails fast, nothing hangs. */
    long started = now_ms();
    DWORD version = 0, lines = 0, phones = 0;
    EXPECT_RESULT(TSPI_lineNegotiateTSPIVersion(INITIALIZE_NEGOTIATION, TAPI_2_0, TAPI_3_1, &version), LINEERR_NODRIVER, "lineNegotiateTSPIVersion without a host");
    EXPECT_RESULT(TSPI_providerEnumDevices(PROVIDER_ID, &lines, &phones, 0x77, on_line, on_phone), LINEERR_NODRIVER, "providerEnumDevices without a host");
    EXPECT_RESULT(TSPI_providerInstall(NULL, PROVIDER_ID), LINEERR_NODRIVER, "providerInstall without a host");
    EXPECT_RESULT(TSPI_providerShutdown(TAPI_3_1, PROVIDER_ID), 0, "providerShutdown without a host");
    EXPECT(now_ms() - started < 2000, "took %ld ms", now_ms() - started);
    ok("without a host every call failed fast (%ld ms)", now_ms() - started);
}

/* Many TAPI threads call at once while the exchange pushes events for another line: every reply
 * must reach the thread that asked (the shim lets one caller read for all), and every push TAPI. */
#define CONCURRENT_THREADS 8
#define CONCURRENT_MIN_CALLS 2000
typedef struct { HDRVCALL call; int index; long calls; char error[200]; } worker_t;
static volatile int g_workers_stop;

static void *concurrent_worker(void *arg) {
    worker_t *w = arg;
    t_tapi_caller = 1;
    for (w->calls = 0; !w->error[0] && (w->calls < CONCURRENT_MIN_CALLS || !__atomic_load_n(&g_workers_stop, __ATOMIC_ACQUIRE)); w->calls++) {
        if ((w->calls + w->index) % 2 == 0) {
            LINECALLSTATUS status;
            memset(&status, 0, sizeof status);
            status.dwTotalSize = sizeof status;
            LONG r = TSPI_lineGetCallStatus(w->call, &status);
            if (r != 0 || status.dwCallState != LINECALLSTATE_CONNECTED || status.dwUsedSize != sizeof status)
                snprintf(w->error, sizeof w->error, "thread %d, call %ld: lineGetCallStatus returned 0x%08X, state 0x%X, used %u",
                         w->index, w->calls, (unsigned)r, status.dwCallState, status.dwUsedSize);
        } else {
            union { LINECALLINFO info; char bytes[2048]; } info;
            memset(&info, 0, sizeof info);
            info.info.dwTotalSize = sizeof info;
            LONG r = TSPI_lineGetCallInfo(w->call, &info.info);
            char called[64] = "";
            if (r == 0) narrow_at(&info, info.info.dwCalledIDSize, info.info.dwCalledIDOffset, called, sizeof called);
            if (r != 0 || strcmp(called, "5550100") != 0)
                snprintf(w->error, sizeof w->error, "thread %d, call %ld: lineGetCallInfo returned 0x%08X, called ID '%s'", w->index, w->calls, (unsigned)r, called);
        }
    }
    return NULL;
}

static void scenario_concurrent(void) {
    session_t s;
    HDRVLINE hdLine = install_and_open_line(&s);
    HDRVLINE hdLine2 = open_line(1, HT_LINE0 + 1);
    HTAPICALL htCall = next_htcall();
    HDRVCALL hdCall = make_connected_call(hdLine, htCall, "5550100");

    worker_t workers[CONCURRENT_THREADS];
    pthread_t threads[CONCURRENT_THREADS];
    long started = now_ms();
    for (int i = 0; i < CONCURRENT_THREADS; i++) {
        workers[i] = (worker_t){ hdCall, i, 0, "" };
        EXPECT(pthread_create(&threads[i], NULL, concurrent_worker, &workers[i]) == 0, "pthread_create");
    }
    /* Meanwhile, on the other line: calls made and dropped, so completions and call states are pushed while the workers' replies come. */
    for (int round = 0; round < 3; round++) {
        HTAPICALL ht = next_htcall();
        HDRVCALL hd = make_connected_call(hdLine2, ht, "5550101");
        drop_and_close(hd, ht);
    }
    __atomic_store_n(&g_workers_stop, 1, __ATOMIC_RELEASE);
    long calls = 0;
    for (int i = 0; i < CONCURRENT_THREADS; i++) {
        EXPECT(pthread_join(threads[i], NULL) == 0, "pthread_join");
        EXPECT(!workers[i].error[0], "%s", workers[i].error);
        calls += workers[i].calls;
    }
    ok("%d threads made %ld calls while 3 calls were made and dropped on another line: every reply reached its caller, every push reached TAPI (%ld ms)",
       CONCURRENT_THREADS, calls, now_ms() - started);

    drop_and_close(hdCall, htCall);
    EXPECT_RESULT(TSPI_lineClose(hdLine2), 0, "lineClose(line 1)");
    EXPECT_RESULT(TSPI_lineClose(hdLine), 0, "lineClose(line 0)");
    EXPECT_RESULT(TSPI_providerShutdown(s.version, PROVIDER_ID), 0, "providerShutdown");
    expect_exactly_once();
}

static void *negotiate_on_another_thread(void *arg) {
    t_tapi_caller = 1;
    DWORD version = 0;
    *(LONG *)arg = TSPI_lineNegotiateTSPIVersion(1, TAPI_2_0, TAPI_3_1, &version);
    return NULL;
}

/* A request too long for a frame is refused in the shim, and leaves nothing held: the other threads'
 * calls and the host's pushes go on as before (a leak of the read lock would make every other
 * thread's call wait out the shim's 30 s reply timeout). */
static void scenario_oversized(void) {
    session_t s;
    HDRVLINE hdLine = install_and_open_line(&s);
    static WCHAR destination[40001];
    for (int i = 0; i < 40000; i++) destination[i] = '5';
    HDRVCALL hdCall = 0;
    EXPECT_RESULT(TSPI_lineMakeCall(next_request(), hdLine, next_htcall(), &hdCall, destination, 0, NULL), LINEERR_OPERATIONFAILED, "lineMakeCall(a 40000-digit destination)");
    WCHAR message[512] = { 0 };
    char text[512];
    TspHostShim_LastMessage(message, 512);
    for (int i = 0; i < 512; i++) text[i] = message[i] < 128 ? (char)message[i] : '?';
    text[511] = 0;
    EXPECT(strstr(text, "LineMakeCall.destAddress") && strstr(text, "longer than"), "the shim's message does not name the field and the limit: %s", text);
    ok("the shim says: %s", text);

    LONG result = -1;
    pthread_t other;
    long started = now_ms();
    EXPECT(pthread_create(&other, NULL, negotiate_on_another_thread, &result) == 0, "pthread_create");
    EXPECT(pthread_join(other, NULL) == 0, "pthread_join");
    EXPECT_RESULT(result, 0, "lineNegotiateTSPIVersion on another thread");
    EXPECT(now_ms() - started < WAIT_MS, "another thread's call took %ld ms: something is still held", now_ms() - started);

    HTAPICALL htCall = next_htcall();
    hdCall = make_connected_call(hdLine, htCall, "5550100");
    drop_and_close(hdCall, htCall);
    EXPECT_RESULT(TSPI_lineClose(hdLine), 0, "lineClose");
    EXPECT_RESULT(TSPI_providerShutdown(s.version, PROVIDER_ID), 0, "providerShutdown");
    expect_exactly_once();
}

/* workerfault: the host runs the Hostile fixture plugin (line 0) beside the Simulated exchange (lines
 * 1..), each in its worker process (R15). A lineMakeCall on the hostile line makes its worker crash
 * (TAPISIM_WORKER_FAULT=crash; the fault stops once the worker is started again) or hang ignoring
 * cancellation (=hang). The request completes once, with a failure; a call placed and dropped on a
 * Simulated line works meanwhile; after a crash the hostile line goes out of service and comes back,
 * its handle still valid; no Simulated line ever goes out of service. */
static void scenario_workerfault(void) {
    const char *kind = getenv("TAPISIM_WORKER_FAULT");
    EXPECT(kind && (strcmp(kind, "crash") == 0 || strcmp(kind, "hang") == 0), "TAPISIM_WORKER_FAULT is '%s': set it to crash or hang", kind ? kind : "");
    int crash = strcmp(kind, "crash") == 0;
    EXPECT_RESULT(TSPI_providerInstall(NULL, PROVIDER_ID), 0, "providerInstall");
    session_t s = start_session();
    HDRVLINE hostile = open_line(0, HT_LINE0);
    HDRVLINE simulated = open_line(1, HT_LINE0 + 1);
    int from = mark();
    long issued = now_ms();
    HDRVCALL hdCall = 0;
    LONG make = accept_request(TSPI_lineMakeCall(next_request(), hostile, next_htcall(), &hdCall, wide("5550100"), 0, NULL), "lineMakeCall on the hostile line");
    HTAPICALL ht = next_htcall();
    drop_and_close(make_connected_call(simulated, ht, "5550100"), ht);
    ok("a call placed and dropped on a Simulated line while the hostile plugin misbehaves worked");
    LONG made = completion_within(make, WAIT_MS);
    EXPECT(made == LINEERR_OPERATIONFAILED, "the hostile lineMakeCall completed with 0x%08X, expected LINEERR_OPERATIONFAILED", (unsigned)made);
    ok("the hostile lineMakeCall completed once with 0x%08X, %ld ms after it was made (R15)", (unsigned)made, now_ms() - issued);
    if (crash) {
        message_arg out = { EV_LINE, LINE_LINEDEVSTATE, LINEDEVSTATE_OUTOFSERVICE };
        int at = wait_for(from, is_message, &out, WAIT_MS, "LINEDEVSTATE_OUTOFSERVICE on the hostile line");
        EXPECT(g_events[at].device == HT_LINE0, "LINEDEVSTATE_OUTOFSERVICE came for line 0x%lx, not the hostile line", (unsigned long)g_events[at].device);
        message_arg in = { EV_LINE, LINE_LINEDEVSTATE, LINEDEVSTATE_INSERVICE };
        at = wait_for(at, is_message, &in, WAIT_MS, "LINEDEVSTATE_INSERVICE once the hostile plugin's worker is back");
        EXPECT(g_events[at].device == HT_LINE0, "LINEDEVSTATE_INSERVICE came for line 0x%lx, not the hostile line", (unsigned long)g_events[at].device);
        ok("the hostile line went out of service and came back in service (R15)");
        HTAPICALL again = next_htcall();
        drop_and_close(make_connected_call(hostile, again, "5550100"), again);
        ok("a call on the hostile line works again, on the same device ID and handle");
    }
    HTAPICALL later = next_htcall();
    drop_and_close(make_connected_call(simulated, later, "5550100"), later);
    pthread_mutex_lock(&g_lock);
    for (int i = from; i < g_count; i++) {
        if (g_events[i].kind == EV_LINE && g_events[i].msg == LINE_LINEDEVSTATE && (g_events[i].p1 & LINEDEVSTATE_OUTOFSERVICE) && g_events[i].device != HT_LINE0) {
            pthread_mutex_unlock(&g_lock);
            fail("line 0x%lx, not the hostile plugin's, went out of service", (unsigned long)g_events[i].device);
        }
    }
    pthread_mutex_unlock(&g_lock);
    ok("no Simulated line went out of service");
    EXPECT_RESULT(TSPI_lineClose(hostile), 0, "lineClose(hostile line)");
    EXPECT_RESULT(TSPI_lineClose(simulated), 0, "lineClose(Simulated line)");
    EXPECT_RESULT(TSPI_providerShutdown(s.version, PROVIDER_ID), 0, "providerShutdown");
    expect_exactly_once();
}

int main(int argc, char **argv) {
    if (argc < 3) { fprintf(stderr, "usage: tapisim <shim.so> <lifecycle|incoming|refused|transfer|pending|hostkill|inflight|killburst|nohost|concurrent|oversized|workerfault>\n"); return 2; }
    setvbuf(stdout, NULL, _IOLBF, 0);
    t_tapi_caller = 1;
    g_scenario = argv[2];
    load(argv[1]);
    if (strcmp(g_scenario, "lifecycle") == 0) scenario_lifecycle();
    else if (strcmp(g_scenario, "incoming") == 0) scenario_incoming();
    else if (strcmp(g_scenario, "refused") == 0) scenario_refused();
    else if (strcmp(g_scenario, "transfer") == 0) scenario_transfer();
    else if (strcmp(g_scenario, "pending") == 0) scenario_pending();
    else if (strcmp(g_scenario, "hostkill") == 0) scenario_hostkill();
    else if (strcmp(g_scenario, "inflight") == 0) scenario_inflight();
    else if (strcmp(g_scenario, "killburst") == 0) scenario_killburst();
    else if (strcmp(g_scenario, "nohost") == 0) scenario_nohost();
    else if (strcmp(g_scenario, "concurrent") == 0) scenario_concurrent();
    else if (strcmp(g_scenario, "oversized") == 0) scenario_oversized();
    else if (strcmp(g_scenario, "workerfault") == 0) scenario_workerfault();
    else { fprintf(stderr, "tapisim: unknown scenario %s\n", g_scenario); return 2; }
    printf("PASS %s\n", g_scenario);
    fflush(stdout);
    /* The shim's threads are background threads of the runtime inside it: leave without unloading it. */
    _Exit(0);
}
