// libyaml (Debian libyaml-dev): the event parser behind invdb's bounded #cloud-config reader.
#include <yaml.h>
