# GitOps Bridge container image: build with the .NET SDK, run on the ASP.NET Core runtime as the
# image's non-root "app" user. `dotnet publish src/GitOpsBridge -t:PublishContainer` builds the
# same image without Docker (see docs/deploy-kubernetes.md).
#   docker build -t ghcr.io/gitops-bridge/gitops-bridge:0.1.0 .

FROM mcr.microsoft.com/dotnet/sdk:10.0 AS build
WORKDIR /src
# Restore first, from the project files alone, so the layer is reused while only code changes.
COPY Directory.Build.props Directory.Packages.props appsettings.json ./
COPY src/GitOpsBridge.Core/GitOpsBridge.Core.csproj src/GitOpsBridge.Core/
COPY src/GitOpsBridge/GitOpsBridge.csproj src/GitOpsBridge/
RUN dotnet restore src/GitOpsBridge/GitOpsBridge.csproj
COPY src/ src/
RUN dotnet publish src/GitOpsBridge/GitOpsBridge.csproj --no-restore -c Release -o /app

FROM mcr.microsoft.com/dotnet/aspnet:10.0 AS runtime
# The database and git cache directory, writable by the app user (mount a volume here).
RUN mkdir -p /data && chown "$APP_UID:$APP_UID" /data
WORKDIR /app
COPY --from=build /app .
ENV ASPNETCORE_HTTP_PORTS=8080 \
    Storage__Path=/data/gitops-bridge.db
USER $APP_UID
EXPOSE 8080
ENTRYPOINT ["/app/gitops-bridge", "serve"]
