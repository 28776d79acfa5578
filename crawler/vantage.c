/* crawler/vantage.c - whether this machine can reach IPv6 destinations,
 * decided without sending a packet. */
#include "config.h"

#include <arpa/inet.h>
#include <ifaddrs.h>
#include <netinet/in.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "crawler/crawl.h"

int crawl_vantage_ipv6(int allow_private)
{
  struct sockaddr_in6 sa;
  struct ifaddrs *ifa = NULL, *i;
  int fd, ok = 0;
  /* A route to a global address (a UDP connect sends nothing). */
  fd = socket(AF_INET6, SOCK_DGRAM | SOCK_CLOEXEC, 0);
  if (fd >= 0) {
    memset(&sa, 0, sizeof(sa));
    sa.sin6_family = AF_INET6;
    sa.sin6_port = htons(53);
    inet_pton(AF_INET6, "2400:3200::1", &sa.sin6_addr);
    ok = connect(fd, (struct sockaddr *)&sa, sizeof(sa)) == 0;
    close(fd);
  }
  if (ok || !allow_private)
    return ok;
  /* Intranets and the test world: any configured IPv6 address that is
   * not link-local will do. */
  if (getifaddrs(&ifa) < 0)
    return 0;
  for (i = ifa; i && !ok; i = i->ifa_next) {
    const struct sockaddr_in6 *s6 = (const void *)i->ifa_addr;
    if (!s6 || s6->sin6_family != AF_INET6)
      continue;
    if (!IN6_IS_ADDR_LINKLOCAL(&s6->sin6_addr))
      ok = 1;
  }
  freeifaddrs(ifa);
  return ok;
}
