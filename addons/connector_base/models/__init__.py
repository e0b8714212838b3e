from . import connector_heartbeat
