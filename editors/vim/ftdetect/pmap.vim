" procmap models: .pmap files
autocmd BufRead,BufNewFile *.pmap setfiletype pmap
