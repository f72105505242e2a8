// Loopback connection churn: client threads open a connection, send a message, read the echo
// and close, as fast as they can; server threads accept and echo. Prints connections per second.
// Usage: churn SECONDS [CLIENT_THREADS] [MESSAGE_BYTES] [PORT]
//        churn threads SECONDS [CLIENT_THREADS]   the same, but the server starts a thread for each
//                             accepted connection (a CPU-bound server, as thread-per-connection
//                             servers are), instead of a fixed pool of accepting threads
//        churn bulk SECONDS   one connection streaming 64 KiB writes; prints MB/s
// Only ever talks to 127.0.0.1.
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

static int listen_fd;
static int message_bytes = 1024;
static atomic_long connections;
static atomic_int stop;
static struct sockaddr_in server_addr;

static double now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static int read_full(int fd, char *buf, int n)
{
	int got = 0;
	while (got < n) {
		int r = read(fd, buf + got, n - got);
		if (r <= 0)
			return -1;
		got += r;
	}
	return got;
}

static void echo_and_close(int fd, char *buf)
{
	if (read_full(fd, buf, message_bytes) == message_bytes)
		write(fd, buf, message_bytes);
	// Wait for the client's FIN so the client closes first (its side goes to TIME_WAIT).
	read(fd, buf, 1);
	close(fd);
}

static void *server(void *arg)
{
	char *buf = malloc(message_bytes);
	(void)arg;
	while (!atomic_load(&stop)) {
		int fd = accept(listen_fd, NULL, NULL);
		if (fd >= 0)
			echo_and_close(fd, buf);
	}
	free(buf);
	return NULL;
}

static void *serve_one(void *arg)
{
	char *buf = malloc(message_bytes);
	echo_and_close((int)(long)arg, buf);
	free(buf);
	return NULL;
}

static void *thread_per_connection_server(void *arg)
{
	pthread_attr_t detached;
	(void)arg;
	pthread_attr_init(&detached);
	pthread_attr_setdetachstate(&detached, PTHREAD_CREATE_DETACHED);
	while (!atomic_load(&stop)) {
		pthread_t t;
		int fd = accept(listen_fd, NULL, NULL);
		if (fd < 0)
			continue;
		if (pthread_create(&t, &detached, serve_one, (void *)(long)fd))
			close(fd);
	}
	return NULL;
}

static void *client(void *arg)
{
	char *buf = calloc(1, message_bytes);
	(void)arg;
	while (!atomic_load(&stop)) {
		int fd = socket(AF_INET, SOCK_STREAM, 0);
		int one = 1;
		setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
		if (connect(fd, (struct sockaddr *)&server_addr, sizeof(server_addr)) == 0 &&
		    write(fd, buf, message_bytes) == message_bytes && read_full(fd, buf, message_bytes) == message_bytes)
			atomic_fetch_add(&connections, 1);
		close(fd);
	}
	free(buf);
	return NULL;
}

static void *bulk_sink(void *arg)
{
	char *buf = malloc(1 << 16);
	int fd = accept(listen_fd, NULL, NULL);
	(void)arg;
	while (read(fd, buf, 1 << 16) > 0)
		;
	return NULL;
}

static int bulk(double seconds)
{
	pthread_t sink;
	char *buf = calloc(1, 1 << 16);
	long long sent = 0;
	pthread_create(&sink, NULL, bulk_sink, NULL);
	int fd = socket(AF_INET, SOCK_STREAM, 0);
	if (connect(fd, (struct sockaddr *)&server_addr, sizeof(server_addr))) {
		perror("connect");
		return 1;
	}
	double start = now();
	while (now() - start < seconds) {
		int w = write(fd, buf, 1 << 16);
		if (w <= 0)
			break;
		sent += w;
	}
	printf("%.1f\n", sent / (now() - start) / 1e6);
	fflush(stdout);
	_exit(0);
}

int main(int argc, char **argv)
{
	int bulk_mode = argc > 1 && strcmp(argv[1], "bulk") == 0;
	int threads_mode = argc > 1 && strcmp(argv[1], "threads") == 0;
	if (bulk_mode || threads_mode) {
		argv++;
		argc--;
	}
	double seconds = argc > 1 ? atof(argv[1]) : 5;
	int clients = argc > 2 ? atoi(argv[2]) : 2;
	int one = 1;
	message_bytes = argc > 3 ? atoi(argv[3]) : 1024;
	int port = argc > 4 ? atoi(argv[4]) : 0;
	pthread_t threads[64];
	int n = 0;

	listen_fd = socket(AF_INET, SOCK_STREAM, 0);
	setsockopt(listen_fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	memset(&server_addr, 0, sizeof(server_addr));
	server_addr.sin_family = AF_INET;
	server_addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	server_addr.sin_port = htons(port);
	if (bind(listen_fd, (struct sockaddr *)&server_addr, sizeof(server_addr)) || listen(listen_fd, 4096)) {
		perror("bind/listen");
		return 1;
	}
	socklen_t len = sizeof(server_addr);
	getsockname(listen_fd, (struct sockaddr *)&server_addr, &len);
	if (bulk_mode)
		return bulk(seconds);
	if (threads_mode)
		pthread_create(&threads[n++], NULL, thread_per_connection_server, NULL);
	else
		for (int i = 0; i < clients * 2; i++)
			pthread_create(&threads[n++], NULL, server, NULL);
	for (int i = 0; i < clients; i++)
		pthread_create(&threads[n++], NULL, client, NULL);
	double start = now();
	usleep((useconds_t)(seconds * 1e6));
	long done = atomic_load(&connections);
	double elapsed = now() - start;
	atomic_store(&stop, 1);
	printf("%.1f\n", done / elapsed);
	fflush(stdout);
	_exit(0); // threads may be blocked in accept/read; the measurement is taken
}
