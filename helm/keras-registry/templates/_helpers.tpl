{{/* vim: set filetype=mustache: */}}

{{- define "keras-registry.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{/* <release>-<chart>, or the release name when it already contains the chart name. */}}
{{- define "keras-registry.fullname" -}}
{{- if .Values.fullnameOverride -}}
{{- .Values.fullnameOverride | trunc 63 | trimSuffix "-" -}}
{{- else -}}
{{- $name := default .Chart.Name .Values.nameOverride -}}
{{- if contains $name .Release.Name -}}
{{- .Release.Name | trunc 63 | trimSuffix "-" -}}
{{- else -}}
{{- printf "%s-%s" .Release.Name $name | trunc 63 | trimSuffix "-" -}}
{{- end -}}
{{- end -}}
{{- end -}}

{{/* The worker Deployment's name: the full name with room for the suffix. */}}
{{- define "keras-registry.workerFullname" -}}
{{- printf "%s-worker" (include "keras-registry.fullname" . | trunc 56 | trimSuffix "-") -}}
{{- end -}}

{{- define "keras-registry.chart" -}}
{{- printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{- define "keras-registry.selectorLabels" -}}
app.kubernetes.io/name: {{ include "keras-registry.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end -}}

{{- define "keras-registry.labels" -}}
helm.sh/chart: {{ include "keras-registry.chart" . }}
{{ include "keras-registry.selectorLabels" . }}
app.kubernetes.io/version: {{ .Values.image.tag | default .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
app.kubernetes.io/part-of: keras-registry
{{- with .Values.commonLabels }}
{{ toYaml . }}
{{- end }}
{{- end -}}

{{- define "keras-registry.serviceAccountName" -}}
{{- if .Values.serviceAccount.create -}}
{{- default (include "keras-registry.fullname" .) .Values.serviceAccount.name -}}
{{- else -}}
{{- default "default" .Values.serviceAccount.name -}}
{{- end -}}
{{- end -}}

{{- define "keras-registry.image" -}}
{{- if .Values.image.digest -}}
{{- printf "%s@%s" .Values.image.repository .Values.image.digest -}}
{{- else -}}
{{- printf "%s:%s" .Values.image.repository (.Values.image.tag | default .Chart.AppVersion) -}}
{{- end -}}
{{- end -}}

{{/* The role of the server Deployment. */}}
{{- define "keras-registry.serverRole" -}}
{{- if .Values.worker.enabled }}api{{ else }}all{{ end -}}
{{- end -}}

{{/* The chart's own Secret: holds whatever is not taken from an existing secret. */}}
{{- define "keras-registry.secretName" -}}
{{- include "keras-registry.fullname" . -}}
{{- end -}}

{{- define "keras-registry.createSecret" -}}
{{- if or (and (not .Values.adminToken.existingSecret) .Values.adminToken.value) (and (not .Values.database.existingSecret) .Values.database.password) -}}
true
{{- end -}}
{{- end -}}

{{- define "keras-registry.claimName" -}}
{{- if .Values.persistence.existingClaim -}}
{{- .Values.persistence.existingClaim -}}
{{- else -}}
{{- printf "%s-blobs" (include "keras-registry.fullname" .) -}}
{{- end -}}
{{- end -}}

{{/*
Stops the rendering with a message when the values cannot work. Included by every Deployment.
*/}}
{{- define "keras-registry.validateValues" -}}
{{- if not .Values.database.url -}}
{{- fail "database.url is required: the JDBC URL of an external PostgreSQL 15+, e.g. --set database.url=jdbc:postgresql://postgres.example:5432/keras_registry" -}}
{{- end -}}
{{- if not (hasPrefix "jdbc:postgresql:" .Values.database.url) -}}
{{- fail (printf "database.url must be a PostgreSQL JDBC URL starting with jdbc:postgresql:, got %q" .Values.database.url) -}}
{{- end -}}
{{- if and (not .Values.adminToken.existingSecret) (not .Values.adminToken.value) -}}
{{- fail "an admin token is required: set adminToken.existingSecret (the name of a Secret with the key adminToken.existingSecretKey) or adminToken.value" -}}
{{- end -}}
{{- $pods := int .Values.replicaCount -}}
{{- if .Values.worker.enabled -}}
{{- $pods = add $pods (int .Values.worker.replicas) -}}
{{- end -}}
{{- if gt $pods 1 -}}
{{- if not .Values.persistence.enabled -}}
{{- fail (printf "%d pods share the blob store (replicaCount=%d, worker.enabled=%t) but persistence.enabled=false gives each pod its own emptyDir: enable persistence with persistence.accessMode=ReadWriteMany" $pods (int .Values.replicaCount) .Values.worker.enabled) -}}
{{- end -}}
{{- if ne .Values.persistence.accessMode "ReadWriteMany" -}}
{{- fail (printf "%d pods mount the blob volume (replicaCount=%d, worker.enabled=%t): set persistence.accessMode=ReadWriteMany (a storage class that supports it, e.g. NFS or CephFS), or persistence.existingClaim with persistence.accessMode=ReadWriteMany to assert the existing claim is ReadWriteMany; got %s" $pods (int .Values.replicaCount) .Values.worker.enabled .Values.persistence.accessMode) -}}
{{- end -}}
{{- end -}}
{{- end -}}

{{/* Volumes shared by server and worker pods. */}}
{{- define "keras-registry.volumes" -}}
- name: blobs
{{- if .Values.persistence.enabled }}
  persistentVolumeClaim:
    claimName: {{ include "keras-registry.claimName" . }}
{{- else }}
  emptyDir: {}
{{- end }}
- name: tmp
  emptyDir:
    sizeLimit: {{ .Values.tmpSizeLimit }}
- name: native-cache
  emptyDir:
    sizeLimit: {{ .Values.nativeCacheSizeLimit }}
{{- with .Values.plugins.volume }}
- name: plugins
  {{- toYaml . | nindent 2 }}
{{- end }}
{{- end -}}

{{- define "keras-registry.volumeMounts" -}}
- name: blobs
  mountPath: /var/lib/keras-registry/blobs
- name: tmp
  mountPath: /tmp
- name: native-cache
  mountPath: /var/cache/keras-registry/javacpp
{{- if .Values.plugins.volume }}
- name: plugins
  mountPath: /opt/keras-registry/plugins
  readOnly: true
{{- end }}
{{- end -}}

{{/* Environment shared by server and worker containers, after the ConfigMap (envFrom). */}}
{{- define "keras-registry.secretEnv" -}}
{{- if or .Values.database.existingSecret .Values.database.password }}
- name: SPRING_DATASOURCE_PASSWORD
  valueFrom:
    secretKeyRef:
      {{- if .Values.database.existingSecret }}
      name: {{ .Values.database.existingSecret }}
      key: {{ .Values.database.existingSecretPasswordKey }}
      {{- else }}
      name: {{ include "keras-registry.secretName" . }}
      key: database-password
      {{- end }}
{{- end }}
- name: KERAS_REGISTRY_ADMIN_TOKEN
  valueFrom:
    secretKeyRef:
      {{- if .Values.adminToken.existingSecret }}
      name: {{ .Values.adminToken.existingSecret }}
      key: {{ .Values.adminToken.existingSecretKey }}
      {{- else }}
      name: {{ include "keras-registry.secretName" . }}
      key: admin-token
      {{- end }}
{{- end -}}

{{- define "keras-registry.probes" -}}
startupProbe:
  httpGet:
    path: /livez
    port: http
  periodSeconds: {{ .Values.probes.startup.periodSeconds }}
  timeoutSeconds: {{ .Values.probes.startup.timeoutSeconds }}
  failureThreshold: {{ .Values.probes.startup.failureThreshold }}
livenessProbe:
  httpGet:
    path: /livez
    port: http
  periodSeconds: {{ .Values.probes.liveness.periodSeconds }}
  timeoutSeconds: {{ .Values.probes.liveness.timeoutSeconds }}
  failureThreshold: {{ .Values.probes.liveness.failureThreshold }}
readinessProbe:
  httpGet:
    path: /readyz
    port: http
  periodSeconds: {{ .Values.probes.readiness.periodSeconds }}
  timeoutSeconds: {{ .Values.probes.readiness.timeoutSeconds }}
  failureThreshold: {{ .Values.probes.readiness.failureThreshold }}
{{- end -}}

{{/* Pod annotations that roll the pods when their configuration changes. */}}
{{- define "keras-registry.checksums" -}}
checksum/config: {{ include (print $.Template.BasePath "/configmap.yaml") . | sha256sum }}
{{- if include "keras-registry.createSecret" . }}
checksum/secret: {{ include (print $.Template.BasePath "/secret.yaml") . | sha256sum }}
{{- end }}
{{- end -}}

{{/*
The pod template of a Deployment. Called with a dict:
  ctx: the root context; component: server | worker; role: all | api | worker;
  processes: validation child JVMs (key absent in role api); javaOpts; resources; pod: the component's values
  (podAnnotations, podLabels, nodeSelector, tolerations, affinity, topologySpreadConstraints,
  terminationGracePeriodSeconds).
*/}}
{{- define "keras-registry.podTemplate" -}}
{{- $ := .ctx -}}
metadata:
  labels:
    {{- include "keras-registry.selectorLabels" $ | nindent 4 }}
    app.kubernetes.io/component: {{ .component }}
    {{- with .pod.podLabels }}
    {{- toYaml . | nindent 4 }}
    {{- end }}
  annotations:
    {{- include "keras-registry.checksums" $ | nindent 4 }}
    {{- with .pod.podAnnotations }}
    {{- toYaml . | nindent 4 }}
    {{- end }}
spec:
  serviceAccountName: {{ include "keras-registry.serviceAccountName" $ }}
  automountServiceAccountToken: {{ $.Values.serviceAccount.automountServiceAccountToken }}
  # no <SERVICE>_PORT variables: KERAS_REGISTRY_PORT & co. would reach Spring's relaxed binding
  enableServiceLinks: false
  {{- with $.Values.imagePullSecrets }}
  imagePullSecrets:
    {{- toYaml . | nindent 4 }}
  {{- end }}
  {{- with $.Values.priorityClassName }}
  priorityClassName: {{ . }}
  {{- end }}
  terminationGracePeriodSeconds: {{ .pod.terminationGracePeriodSeconds }}
  securityContext:
    {{- toYaml $.Values.podSecurityContext | nindent 4 }}
  containers:
    - name: {{ .component }}
      image: {{ include "keras-registry.image" $ | quote }}
      imagePullPolicy: {{ $.Values.image.pullPolicy }}
      securityContext:
        {{- toYaml $.Values.containerSecurityContext | nindent 8 }}
      ports:
        - name: http
          containerPort: 8080
          protocol: TCP
      envFrom:
        - configMapRef:
            name: {{ include "keras-registry.fullname" $ }}
      env:
        - name: KERAS_REGISTRY_ROLE
          value: {{ .role | quote }}
        {{- if hasKey . "processes" }}
        - name: KERAS_REGISTRY_VALIDATION_WORKERS
          value: {{ .processes | quote }}
        {{- end }}
        - name: JAVA_OPTS
          value: {{ .javaOpts | default "" | quote }}
        {{- include "keras-registry.secretEnv" $ | trim | nindent 8 }}
        {{- with $.Values.extraEnv }}
        {{- toYaml . | nindent 8 }}
        {{- end }}
      {{- include "keras-registry.probes" $ | nindent 6 }}
      resources:
        {{- toYaml .resources | nindent 8 }}
      volumeMounts:
        {{- include "keras-registry.volumeMounts" $ | nindent 8 }}
  volumes:
    {{- include "keras-registry.volumes" $ | nindent 4 }}
  {{- with .pod.nodeSelector }}
  nodeSelector:
    {{- toYaml . | nindent 4 }}
  {{- end }}
  {{- with .pod.affinity }}
  affinity:
    {{- toYaml . | nindent 4 }}
  {{- end }}
  {{- with .pod.tolerations }}
  tolerations:
    {{- toYaml . | nindent 4 }}
  {{- end }}
  {{- with .pod.topologySpreadConstraints }}
  topologySpreadConstraints:
    {{- toYaml . | nindent 4 }}
  {{- end }}
{{- end -}}
