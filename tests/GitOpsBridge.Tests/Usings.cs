global using GitOpsBridge.Tests.Support;
