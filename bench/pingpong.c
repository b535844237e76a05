/* The floor: raw Unix-domain-socket ping-pong between a C client and a C server, with frames the
 * size of a lineGetCallStatus request (20 bytes) and reply (36 bytes) on the wire. One connection and one
 * server thread per client thread, so nothing but the kernel's socket path is measured.
 * With a poll time, the server looks for the next request that long before it sleeps in read(), as
 * tsphost's connection thread does (Ipc:PollMicroseconds): a non-blocking recv, then sched_yield.
 * usage: pingpong <threads> <calls per thread> [poll microseconds, default 0] */
#define _GNU_SOURCE
#include "bench.h"
#include <pthread.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sched.h>
#include <unistd.h>

enum { REQUEST = 20, REPLY = 36 };

static int full(int fd, char *buffer, int size, int writing) {
    for (int done = 0; done < size;) {
        ssize_t n = writing ? write(fd, buffer + done, size - done) : read(fd, buffer + done, size - done);
        if (n <= 0) return -1;
        done += (int)n;
    }
    return 0;
}

static long long poll_ns;

/* Reads one request, first looking for it without blocking for up to poll_ns. */
static int request(int fd, char *buffer) {
    int got = 0;
    for (long long until = bench_now_ns() + poll_ns; poll_ns > 0 && bench_now_ns() < until; sched_yield()) {
        ssize_t n = recv(fd, buffer, REQUEST, MSG_DONTWAIT);
        if (n == 0) return -1;
        if (n > 0) { got = (int)n; break; }
    }
    return full(fd, buffer + got, REQUEST - got, 0);
}

static void *serve(void *arg) {
    int fd = (int)(intptr_t)arg;
    char buffer[REPLY] = { 0 };
    while (request(fd, buffer) == 0 && full(fd, buffer, REPLY, 1) == 0) { }
    close(fd);
    return NULL;
}

typedef struct { int fd; long calls; long long *latencies; } client_t;

static void *client(void *arg) {
    client_t *c = arg;
    char buffer[REPLY] = { 1 };
    for (long i = 0; i < c->calls; i++) {
        long long start = bench_now_ns();
        if (full(c->fd, buffer, REQUEST, 1) || full(c->fd, buffer, REPLY, 0)) { perror("pingpong"); exit(1); }
        c->latencies[i] = bench_now_ns() - start;
    }
    return NULL;
}

int main(int argc, char **argv) {
    int threads = argc > 1 ? atoi(argv[1]) : 1;
    long calls = argc > 2 ? atol(argv[2]) : 100000;
    int poll_us = argc > 3 ? atoi(argv[3]) : 0;
    poll_ns = poll_us * 1000LL;
    client_t *clients = calloc((size_t)threads, sizeof *clients);
    long long *latencies = malloc(sizeof *latencies * (size_t)threads * (size_t)calls);
    pthread_t *workers = calloc((size_t)threads * 2, sizeof *workers);
    for (int t = 0; t < threads; t++) {
        int pair[2];
        if (socketpair(AF_UNIX, SOCK_STREAM, 0, pair) != 0) { perror("socketpair"); return 1; }
        pthread_create(&workers[threads + t], NULL, serve, (void *)(intptr_t)pair[1]);
        clients[t] = (client_t){ pair[0], calls, latencies + (size_t)t * (size_t)calls };
    }
    long long start = bench_now_ns();
    for (int t = 0; t < threads; t++) pthread_create(&workers[t], NULL, client, &clients[t]);
    for (int t = 0; t < threads; t++) pthread_join(workers[t], NULL);
    long long elapsed = bench_now_ns() - start;
    for (int t = 0; t < threads; t++) close(clients[t].fd);
    char name[64];
    snprintf(name, sizeof name, poll_us ? "raw-unix-socket-poll%dus" : "raw-unix-socket", poll_us);
    bench_report(name, threads, latencies, threads * calls, elapsed);
    return 0;
}
