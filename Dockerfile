# syntax=docker/dockerfile:1
# The operator's own image: a NativeAOT binary on a minimal non-root base.
# NativeAOT links against glibc; getaddrinfo needs glibc's NSS at run time, so the base is Ubuntu's
# chiseled runtime-deps (glibc, CA certificates, nothing else: no shell, no package manager) rather than scratch.

FROM mcr.microsoft.com/dotnet/sdk:10.0-noble AS build
RUN apt-get update \
 && apt-get install -y --no-install-recommends clang zlib1g-dev \
 && rm -rf /var/lib/apt/lists/*
WORKDIR /src
COPY global.json Directory.Build.props Directory.Packages.props ./
# Every project the operator references, so the restore layer is cached until a project file changes.
COPY src/TinyImage.Advisories/TinyImage.Advisories.csproj src/TinyImage.Advisories/
COPY src/TinyImage.Api/TinyImage.Api.csproj src/TinyImage.Api/
COPY src/TinyImage.Kube/TinyImage.Kube.csproj src/TinyImage.Kube/
COPY src/TinyImage.Oci/TinyImage.Oci.csproj src/TinyImage.Oci/
COPY src/TinyImage.Sbom/TinyImage.Sbom.csproj src/TinyImage.Sbom/
COPY src/TinyImage.Yaml/TinyImage.Yaml.csproj src/TinyImage.Yaml/
COPY src/TinyImage.Operator/TinyImage.Operator.csproj src/TinyImage.Operator/
RUN dotnet restore src/TinyImage.Operator/TinyImage.Operator.csproj -r linux-x64 -p:PublishAot=true
COPY src/ src/
RUN dotnet publish src/TinyImage.Operator/TinyImage.Operator.csproj -c Release -r linux-x64 \
      -p:PublishAot=true --no-restore -o /out \
 && rm -f /out/*.dbg /out/*.pdb /out/*.xml

FROM mcr.microsoft.com/dotnet/runtime-deps:10.0-noble-chiseled
COPY --from=build /out/tinyimage-operator /usr/local/bin/tinyimage-operator
USER 65532:65532
EXPOSE 8080
ENTRYPOINT ["/usr/local/bin/tinyimage-operator"]
CMD ["run"]
