from rag.server.cli import main

main()
