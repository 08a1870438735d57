/* The pod stand-in's test workload (tests/TinyImage.KubeEmulator.Tests/PodmanPodTests.cs), built static by the test with cc.
   Runs its arguments as steps, printing one line each; exits 3 when any write failed:
     uid               prints uid=U gid=G
     write PATH        creates PATH and writes to it (prints "wrote PATH" or "PATH: <strerror>")
     cat PATH          prints "PATH=<content>" (or the error)
     env NAME          prints "NAME=<value>" or "NAME unset"
     alloc MIB         allocates and touches MIB MiB
     fill PATH MIB     writes MIB MiB to PATH
     sleep S           sleeps S seconds
     serve PORT        answers HTTP on 127.0.0.1:PORT until killed: /healthz and /ready 200, anything else 404
     anything else     prints "arg <it>" */
#include <errno.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

static int serve(int port) {
  int s = socket(AF_INET, SOCK_STREAM, 0), one = 1;
  struct sockaddr_in a = {0};
  a.sin_family = AF_INET; a.sin_port = htons(port); a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  setsockopt(s, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
  if (bind(s, (struct sockaddr *)&a, sizeof a) || listen(s, 16)) { perror("serve"); return 1; }
  printf("serving on %d\n", port); fflush(stdout);
  for (;;) {
    int c = accept(s, 0, 0); char buf[2048]; ssize_t n = read(c, buf, sizeof buf - 1);
    if (n < 0) n = 0;
    buf[n] = 0;
    int ok = !strncmp(buf, "GET /healthz ", 13) || !strncmp(buf, "GET /ready ", 11);
    const char *r = ok ? "HTTP/1.1 200 OK\r\nContent-Length: 3\r\nConnection: close\r\n\r\nok\n"
                       : "HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\nConnection: close\r\n\r\n";
    if (write(c, r, strlen(r)) < 0) perror("write");
    close(c);
  }
}

int main(int argc, char **argv) {
  int failed = 0;
  for (int i = 1; i < argc; i++) {
    const char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : "";
    if (!strcmp(a, "uid")) printf("uid=%d gid=%d\n", (int)getuid(), (int)getgid());
    else if (!strcmp(a, "write") && ++i < argc) {
      FILE *f = fopen(v, "w");
      if (!f || fputs("x", f) < 0 || fclose(f)) { printf("%s: %s\n", v, strerror(errno)); failed = 1; }
      else printf("wrote %s\n", v);
    } else if (!strcmp(a, "cat") && ++i < argc) {
      FILE *f = fopen(v, "r"); char b[8192]; size_t n = 0;
      if (!f) { printf("%s: %s\n", v, strerror(errno)); continue; }
      n = fread(b, 1, sizeof b - 1, f); b[n] = 0; fclose(f);
      printf("%s=%s\n", v, b);
    } else if (!strcmp(a, "env") && ++i < argc) {
      const char *e = getenv(v);
      if (e) printf("%s=%s\n", v, e); else printf("%s unset\n", v);
    } else if (!strcmp(a, "alloc") && ++i < argc) {
      size_t bytes = strtoul(v, 0, 10) << 20; char *p = malloc(bytes);
      if (p) memset(p, 1, bytes);
      printf("allocated %s MiB\n", v);
    } else if (!strcmp(a, "fill") && i + 2 < argc) {
      FILE *f = fopen(argv[i + 1], "w"); static char mib[1 << 20];
      for (unsigned long m = strtoul(argv[i + 2], 0, 10); f && m > 0; m--) fwrite(mib, 1, sizeof mib, f);
      if (f) fclose(f);
      printf("filled %s\n", argv[i + 1]); i += 2;
    } else if (!strcmp(a, "sleep") && ++i < argc) { fflush(stdout); sleep((unsigned)atoi(v)); }
    else if (!strcmp(a, "serve") && ++i < argc) { fflush(stdout); return serve(atoi(v)); }
    else printf("arg %s\n", a);
    fflush(stdout);
  }
  return failed ? 3 : 0;
}
