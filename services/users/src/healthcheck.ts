// The image's HEALTHCHECK: exit 0 when this container's service answers /health with its own certificate.
import { probeHealth } from '@app/service-kit'

process.exit(await probeHealth(process.env) ? 0 : 1)
