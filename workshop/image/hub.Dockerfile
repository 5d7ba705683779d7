# The hub image for Zero to JupyterHub (workshop/z2jh/values.yaml names it as hub.image): the chart's own hub image
# plus the course's package, because the progress service (python -m kmscourse.workshop.progress_service) runs in
# the hub pod. Build from the repository's root, naming the chart version you install (the base image's tag):
#   docker build -f workshop/image/hub.Dockerfile --build-arg CHART_VERSION=<chart version> \
#     -t registry.example.org/kmscourse/hub:0.2.0 .
# --no-deps: the service needs only JupyterHub and tornado, which the base image has at the versions its chart
# expects; the course's AWS and Jupyter dependencies stay out of the hub (tests/test_workshop_z2jh.py checks that
# the service imports none of them).
ARG CHART_VERSION
FROM quay.io/jupyterhub/k8s-hub:${CHART_VERSION}

COPY pyproject.toml README.md LICENSE /tmp/kmscourse/
COPY emulator/src/kmsemu/VERSION /tmp/kmscourse/emulator/src/kmsemu/VERSION
COPY src /tmp/kmscourse/src
USER root
RUN python3 -m pip install --no-cache-dir --no-deps /tmp/kmscourse && rm -rf /tmp/kmscourse
USER 1000
